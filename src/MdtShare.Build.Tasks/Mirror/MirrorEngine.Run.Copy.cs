using System.Collections.Concurrent;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    private sealed partial class Run
    {
        /// <summary>Before the copies: case renames, entries replaced by another kind, new folders.</summary>
        public void CreateFolders(MirrorPlan plan) =>
            Step(() =>
            {
                foreach (CaseRename rename in plan.CaseRenames)
                {
                    Guarded(rename.RelativePath, () => Retry(() => Rename(rename), "renaming " + rename.RelativePath),
                        completed: () => Listener.Detail($"Renamed {rename.RelativePath}{(rename.IsDirectory ? "/" : string.Empty)} to the share's letter case"));
                }

                foreach (DeleteItem delete in plan.SwapDeletes)
                {
                    DeleteOne(delete);
                }

                foreach (string folder in plan.DirectoriesToCreate)
                {
                    // A folder that cannot be made fails like a file: nothing is deleted, its files fail on their own.
                    Guarded(folder + "/", () => Retry(() => { _fs.CreateDirectory(TreeSnapshot.Combine(_options.DestinationRoot, folder)); return true; }, "creating " + folder));
                }
            });

        private bool Rename(CaseRename rename)
        {
            try
            {
                _fs.Rename(rename.From, rename.To);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && IsGone(rename.From) && _fs.GetEntry(rename.To) is not null)
            {
                // Already renamed: an earlier attempt whose answer a failover lost did it.
            }

            return true;
        }

        private bool FixAttributes(AttributeFix fix)
        {
            _fs.SetLastWriteTimeUtc(fix.DestinationPath, fix.LastWriteTimeUtc);
            _fs.SetReadOnly(fix.DestinationPath, fix.ReadOnly);
            return true;
        }

        /// <summary>This destination's own copies of a phase (what no shared copy settled), taken as they come until
        /// the phase's shared copies are done, then the phase's time check over everything it copied.</summary>
        public void CopyOwn(BlockingCollection<CopyItem> items) =>
            Step(() => CopyAll(items.GetConsumingEnumerable(Token)));

        /// <summary>After the copies: respelling, then the deletes, unless a file failed.</summary>
        public void Finish(MirrorPlan plan)
        {
            Step(() => RespellReplaced(plan));
            if (_result.Failed > 0)
            {
                Listener.Info($"{_name}: {_result.Failed} file(s) failed to copy, so nothing is deleted in this publish.");
                return;
            }

            Step(() =>
            {
                foreach (AttributeFix fix in plan.AttributeFixes)
                {
                    Guarded(fix.RelativePath, () => Retry(() => FixAttributes(fix), "setting the attributes of " + fix.RelativePath),
                        completed: () => Listener.Detail($"Set the attributes and time of {fix.RelativePath}"));
                }

                foreach (DeleteItem delete in plan.Deletes)
                {
                    DeleteOne(delete);
                }
            });
        }

        private void CopyAll(IEnumerable<CopyItem> items)
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Parallelism), CancellationToken = Token };
            // Files arrive while the shared copies go on: a worker takes each as it comes instead of waiting for a chunk.
            Parallel.ForEach(Partitioner.Create(items, EnumerablePartitionerOptions.NoBuffering), parallel, item =>
            {
                if (TryLink(item))
                {
                    return;
                }

                // A temp name per attempt: an abandoned call of an earlier attempt that the server makes late can only
                // act on that attempt's own temp file.
                Guarded(item.RelativePath, () => Retry(() => CopyOnce(item, NewTemp(item)), item.RelativePath), completed: () => CountCopied(item));
            });

            var copied = new List<CopyItem>();
            while (_copiedThisPhase.TryTake(out CopyItem? item))
            {
                copied.Add(item);
            }

            // A server may stamp its own time on a file after ours: Samba does when the client (smbnetfs over FUSE)
            // closes the written handle only after close() has returned. Once the phase's copies are done, each
            // copied file's time is checked, and set again where it moved; else the next publish would copy it again.
            Parallel.ForEach(copied, parallel, item =>
                Guarded(item.RelativePath, () => Retry(() => KeepTime(item), "setting the time of " + item.RelativePath)));
        }

        /// <summary>
        /// Samba resolves a rename's target name through its cache of names, so replacing a file just renamed to
        /// another letter case puts the old spelling back. Such a file is renamed again once its content is in place:
        /// only when its folder lists one other spelling and not the wanted one (a case-insensitive target).
        /// </summary>
        private void RespellReplaced(MirrorPlan plan)
        {
            var copied = new HashSet<string>(plan.Copies.Select(c => c.RelativePath), StringComparer.Ordinal);
            foreach (CaseRename rename in plan.CaseRenames.Where(r => !r.IsDirectory && copied.Contains(r.RelativePath)))
            {
                Guarded(rename.RelativePath, () => Retry(() =>
                {
                    string folder = Path.GetDirectoryName(rename.To)!;
                    string wanted = Path.GetFileName(rename.To);
                    var spellings = _fs.Enumerate(folder).Where(e => string.Equals(e.Name, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
                    if (spellings.Count == 1 && spellings[0].Name != wanted)
                    {
                        _fs.Rename(Path.Combine(folder, spellings[0].Name), rename.To);
                    }

                    return true;
                }, "renaming " + rename.RelativePath));
            }
        }

        private bool KeepTime(CopyItem item)
        {
            DateTime wanted = item.Source.LastWriteTimeUtc;
            if (_fs.GetEntry(item.DestinationPath) is { } written && (written.LastWriteTimeUtc - wanted).Duration() > _options.TimestampTolerance)
            {
                _fs.SetLastWriteTimeUtc(item.DestinationPath, wanted);
            }

            return true;
        }

        /// <summary>One attempt: never opens the final name for writing; a failure leaves at most a temp file.</summary>
        public string NewTemp(CopyItem item) => Path.Combine(Path.GetDirectoryName(item.DestinationPath)!,
            $"{TreeSnapshot.TempPrefix}{_runId}.{Interlocked.Increment(ref _tempCounter)}{TreeSnapshot.TempSuffix}");

        /// <summary>A file is under its final name: counted once, so a publish stopped later still reports it.</summary>
        public void CountCopied(CopyItem item)
        {
            _copiedThisPhase.Add(item);
            _result.AddCopied(item);
            Listener.Detail($"{(item.Reason == CopyReason.New ? "Copied" : "Updated")} {item.RelativePath} ({item.Source.Length:N0} bytes)");
            Progress(Interlocked.Increment(ref _filesDone), Interlocked.Add(ref _bytesDone, item.Source.Length), _totalFiles, _totalBytes);
        }

        /// <summary>Whether copied bytes with this SHA-256 are what the build's manifest says the file holds.</summary>
        public bool Matches(CopyItem item, string hash) =>
            _options.ExpectedHashes is not { } expected || (expected.TryGetValue(item.RelativePath, out string? wanted) && wanted == hash);

        public void ReportSourceChanged(string relativePath)
        {
            _result.AddFailed();
            Listener.Report(new Diagnostic(DiagnosticCode.SourceChangedSinceBuild,
                $"{_name}: {relativePath} in the deployment share no longer matches the manifest written by the build (it changed since); the target keeps its previous version. Build and publish again."));
        }

        /// <summary>A closed, complete temp file takes the source's time and replaces the final name in one step.</summary>
        public void Install(CopyItem item, string temp)
        {
            // After close: SMB drops times set on an open handle.
            _fs.SetLastWriteTimeUtc(temp, item.Source.LastWriteTimeUtc);
            if (item.Source.ReadOnly)
            {
                // As robocopy does (/COPY:DAT): the published file is read-only where the share's is.
                _fs.SetReadOnly(temp, true);
            }

            if (item.ReplacesReadOnly)
            {
                // Windows refuses to rename over a read-only file.
                _fs.SetReadOnly(item.DestinationPath, false);
            }

            try
            {
                _fs.Replace(temp, item.DestinationPath);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // The temp file was just written and timed, so a rename that finds nothing lost it, or the old file,
                // to a server that restarted (smbnetfs renames by unlink then rename): an outage, and the copy is
                // made again. ERROR_NETNAME_DELETED / ENOTCONN.
                throw new IOException($"renaming the copy of {item.RelativePath} into place found nothing, as after a server restart ({e.Message})",
                    _engine._isWindows ? unchecked((int)0x80070040) : 107);
            }
        }

        /// <returns>Whether the file is in place; false when its final name is held open (it is installed later).</returns>
        private bool CopyOnce(CopyItem item, string temp)
        {
            try
            {
                // The bytes are hashed as they are written: the source is read once, and what lands under the final
                // name is exactly what the manifest describes.
                using (Stream input = _fs.OpenRead(item.Source.FullPath))
                using (Stream output = _fs.Create(temp))
                {
                    string hash = FileHasher.Hash(input, Token, (buffer, read) =>
                    {
                        output.Write(buffer, 0, read);
                        return true;
                    });
                    FlushToDisk(output);
                    if (!Matches(item, hash))
                    {
                        throw new SourceChangedException(item.RelativePath);
                    }
                }

                return InstallOrHold(item, temp);
            }
            catch
            {
                TryDelete(temp);
                throw;
            }
        }

        public void TryDelete(string path)
        {
            try
            {
                DeleteTemp(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or OperationCanceledException)
            {
                // Tried again at the end, with the retries an outage needs (a target given up is not waited for).
                _tempsLeft.Add(path);
            }
        }

        /// <summary>The temp files this publish could not remove when an attempt failed (in an outage, typically):
        /// removed at the end, so that a publish that succeeds leaves none.</summary>
        public void RemoveOwnTemps() => Step(() =>
        {
            while (_tempsLeft.TryTake(out string? temp))
            {
                Guarded(Path.GetFileName(temp), () => Retry(() => { DeleteTemp(temp); return true; }, "removing " + temp));
            }
        });

        /// <summary>A temp file may carry the read-only attribute it was to be published with, which Windows will not
        /// delete.</summary>
        private void DeleteTemp(string path)
        {
            try
            {
                _fs.DeleteFile(path);
            }
            catch (UnauthorizedAccessException)
            {
                _fs.SetReadOnly(path, false);
                _fs.DeleteFile(path);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException && IsGone(path))
            {
                // Never made, or already removed.
            }
        }

        private static bool IsTemp(string name) =>
            name.StartsWith(TreeSnapshot.TempPrefix, StringComparison.Ordinal) && name.EndsWith(TreeSnapshot.TempSuffix, StringComparison.Ordinal);
    }
}
