using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    private sealed partial class Run
    {
        /// <summary>Checks, locks, reads both trees, plans and guards; null when the plan is only reported (what-if).</summary>
        public MirrorPlan? Prepare()
        {
            if (TargetOwnership.CheckPaths(_options.SourceRoot, _options.DestinationRoot) is { } refused)
            {
                throw new AbortException(refused);
            }

            bool owned = CheckOwnership();
            if (!_options.WhatIf)
            {
                TakeLock();
            }

            // The two trees are read at once: on a no-op publish that is nearly all the work.
            Task<SourceTree> reading = Task.Run(ReadSource);
            TreeSnapshot destination;
            try
            {
                destination = ReadDestination();
            }
            finally
            {
                // Never leave the reader running (and reporting) after the publish returned.
                ((IAsyncResult)reading).AsyncWaitHandle.WaitOne();
            }

            SourceTree source = reading.GetAwaiter().GetResult();
            _result.SourceFiles = source.Files;
            if (!owned && !_options.WhatIf)
            {
                WriteMarker();
            }

            SweepLeftovers(destination);
            ReadPublished();
            MirrorPlan plan = MirrorPlan.Create(source, destination, _options.DestinationRoot, IsUnchanged, _options.TimestampTolerance);
            _result.Skipped = plan.Unchanged;
            ApplyRetention(plan, destination);
            FindAdoptable(plan, destination);
            GuardDeletes(plan);
            GuardSpace(plan);
            if (_options.WhatIf)
            {
                ReportPlan(plan);
                return null;
            }

            _totalFiles = plan.BulkCopies.Count + plan.MetadataCopies.Count;
            _totalBytes = plan.Copies.Sum(c => c.Source.Length);
            return plan;
        }

        private SourceTree ReadSource()
        {
            SourceTree source;
            try
            {
                source = SourceTree.Create(_fs, _options.SourceRoot, _options.OverlayRoots, _exclude, _ => false).WithPublishedNames(_options.PublishedNames);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.SourceUnreadable,
                    $"The deployment share '{_options.SourceRoot}' could not be read completely ({e.Message}); nothing was published to {_name}, and nothing deleted."));
            }

            if (source.Files.Count == 0)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.SourceEmpty,
                    $"The deployment share '{_options.SourceRoot}' holds no files (not mounted? wrong path?); nothing was published to {_name}, and nothing deleted."));
            }

            foreach (string link in source.Links)
            {
                Listener.Report(new Diagnostic(DiagnosticCode.SourceLinkSkipped,
                    $"'{link}' in the deployment share is a symbolic link or junction; links are not followed or published."));
            }

            return source;
        }

        private TreeSnapshot ReadDestination()
        {
            if (_options.WhatIf && !_fs.DirectoryExists(_options.DestinationRoot))
            {
                return new TreeSnapshot();
            }

            try
            {
                return Retry(() => TreeSnapshot.Take(_fs, _options.DestinationRoot, _exclude, TargetOwnership.IsReserved), "reading the target");
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException and not RetryWindowExhaustedException)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.TargetUnreadable,
                    $"{_name} could not be read completely ({e.Message}); without knowing what it holds nothing is published there, and nothing deleted."));
            }
        }

        /// <returns>Whether the destination already carries our marker.</returns>
        private bool CheckOwnership()
        {
            string root = _options.DestinationRoot;
            Retry(() =>
            {
                if (!_fs.DirectoryExists(root))
                {
                    // Never create the parents: a missing parent is an unmounted share, not a folder to make.
                    string? parent = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
                    if (parent is null || !_fs.DirectoryExists(parent))
                    {
                        throw new DirectoryNotFoundException($"Could not find a part of the path '{root}'.");
                    }

                    if (!_options.WhatIf)
                    {
                        _fs.CreateDirectory(root);
                    }
                }

                return true;
            }, "opening the target");

            IReadOnlyList<FileSystemEntry> entries = _fs.DirectoryExists(root) ? Retry(() => _fs.Enumerate(root), "reading the target") : [];
            bool owned = entries.Any(e => string.Equals(e.Name, TargetOwnership.MarkerName, StringComparison.OrdinalIgnoreCase));
            bool empty = entries.All(e => TargetOwnership.IsReserved(e.Name) || IsTemp(e.Name));
            if (!owned && !empty && !_options.AdoptExistingTarget)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.TargetNotOwned,
                    $"{root} is not empty and was not created by MdtShare.Build (no {TargetOwnership.MarkerName}); refusing to mirror into it, since that could delete files. If it is a copy of the share made by other means, publish once with -p:MdtShareAdoptExistingTarget=true."));
            }

            return owned;
        }

        private void TakeLock()
        {
            if (Retry(() => _lock.Take(_options.BreakLock, _name, Listener.Report), "taking the publish lock") is { } held)
            {
                throw new AbortException(held);
            }

            _locked = true;
        }

        /// <returns>False when the file already exists.</returns>
        private bool TryCreate(string path, byte[] content)
        {
            try
            {
                using Stream stream = _fs.CreateNew(path);
                stream.Write(content, 0, content.Length);
                return true;
            }
            catch (IOException) when (_fs.GetEntry(path) is not null)
            {
                return false;
            }
        }

        private void ReleaseLock()
        {
            try
            {
                // A target given up is not waited for again: its lock is left to the next publish, which breaks it.
                if (_givenUp.IsCancellationRequested)
                {
                    _lock.Forget();
                }
                else
                {
                    _retry.Execute(_lock.Release, "releasing the publish lock", CancellationToken.None);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Listener.Report(new Diagnostic(DiagnosticCode.FileFailed,
                    $"{_name}: could not remove the publish lock ({e.Message}); the next publish breaks it once it is stale, or with -p:MdtShareBreakLock=true."));
            }
        }

        private void WriteMarker()
        {
            string path = Path.Combine(_options.DestinationRoot, TargetOwnership.MarkerName);
            byte[] content = TargetOwnership.Bytes(TargetOwnership.MarkerContent(_options.SourceRoot, _engine._clock.UtcNow));
            Retry(() => TryCreate(path, content), "writing " + TargetOwnership.MarkerName);
        }

        private void SweepLeftovers(TreeSnapshot destination)
        {
            foreach (string temp in destination.LeftoverTempFiles)
            {
                Listener.Detail($"{(_options.WhatIf ? "Would remove" : "Removing")} temp file of an interrupted publish: {temp}");
                if (!_options.WhatIf)
                {
                    Retry(() => { DeleteTemp(temp); return true; }, "removing " + temp);
                }
            }

            _result.SweptTempFiles = destination.LeftoverTempFiles.Count;
            if (destination.LeftoverTempFiles.Count > 0)
            {
                Listener.Info($"{_name}: removed {destination.LeftoverTempFiles.Count} temp file(s) left by an interrupted publish.");
            }
        }

        private void GuardDeletes(MirrorPlan plan)
        {
            // Retired images whose retention is over are the publish's own bookkeeping, recorded on the target, not
            // files the share lost: they do not count.
            int deletes = plan.SwapDeletes.Concat(plan.Deletes).Count(d => d.Kind != DeleteKind.Directory && !d.KeepIfHeld);
            double percent = deletes * 100.0 / Math.Max(1, plan.DestinationFileCount);
            if (deletes > 0 && percent > _options.MaxDeletePercent)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.TooManyDeletions,
                    $"Publishing to {_name} would delete {deletes} of its {plan.DestinationFileCount} files ({percent:0.#} %), more than MdtShareMaxDeletePercent ({_options.MaxDeletePercent:0.#} %). Nothing was changed. Check DeploymentShare; if the deletions are intended, raise MdtShareMaxDeletePercent for this publish."));
            }
        }

        private void GuardSpace(MirrorPlan plan)
        {
            long needed = plan.BytesNeeded(Math.Max(1, _options.Parallelism));
            if (needed == 0)
            {
                return;
            }

            long? free = Retry(() => _fs.AvailableFreeSpace(_options.DestinationRoot), "reading the free space");
            if (free is null)
            {
                Listener.Report(new Diagnostic(DiagnosticCode.FreeSpaceUnknown,
                    $"{_name}: the free space of the target could not be read, so the publish goes ahead without checking that the {ProgressLine.Size(needed)} it writes fit. A target that fills up stops the publish with MDTS2017, leaving nothing torn."));
            }
            else if (free < needed)
            {
                throw new AbortException(new Diagnostic(DiagnosticCode.TargetTooSmall,
                    $"Publishing to {_name} needs {ProgressLine.Size(needed)} of free space and the target has {ProgressLine.Size(free.Value)}. Nothing was changed."));
            }
        }

        private void ReportPlan(MirrorPlan plan)
        {
            foreach (CaseRename rename in plan.CaseRenames)
            {
                Listener.Info($"Would rename {Path.GetFileName(rename.From)} to {rename.RelativePath} (letter case only)");
            }

            foreach (DeleteItem delete in plan.SwapDeletes)
            {
                Listener.Info($"Would delete {delete.RelativePath} (replaced by another kind of entry)");
            }

            foreach (string folder in plan.DirectoriesToCreate)
            {
                Listener.Info($"Would create folder {folder}");
            }

            foreach (CopyItem copy in plan.Copies)
            {
                Listener.Info($"Would {(copy.Reason == CopyReason.New ? "copy" : "update")} {copy.RelativePath} ({copy.Source.Length:N0} bytes)");
            }

            foreach (AttributeFix fix in plan.AttributeFixes)
            {
                Listener.Info($"Would set the attributes and time of {fix.RelativePath}");
            }

            foreach (DeleteItem delete in plan.Deletes)
            {
                Listener.Info($"Would delete {delete.RelativePath}");
            }

            _result.SetPlanned(plan);
        }
    }
}
