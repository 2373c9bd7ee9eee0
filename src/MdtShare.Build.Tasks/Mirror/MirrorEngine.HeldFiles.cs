using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    /// <summary>Work on a file that another process holds open, waiting for the rest of the publish to be done.</summary>
    /// <param name="Work">Tries the work again; false when it held part of itself back once more.</param>
    /// <param name="Abandon">Removes what the work left behind (a complete temp file) when it is given up.</param>
    private sealed record HeldWork(string RelativePath, Func<bool> Work, Action? Completed, Action? Abandon);

    /// <summary>
    /// A file a client holds open cannot be replaced or deleted on Windows (a DISM apply holds install.wim for half an
    /// hour), and waiting for it in the middle of the publish would hold everything else back. Such work is set aside,
    /// the rest is published, and then it is tried again until the file is closed or MdtShareBusyWaitSeconds have passed.
    /// The held file keeps its previous version meanwhile: a reader of it never sees its bytes change.
    /// </summary>
    private sealed partial class Run
    {
        private static readonly TimeSpan[] BusyBackoff =
            [TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5)];

        private readonly List<HeldWork> _held = [];
        private readonly HashSet<string> _heldReported = new(StringComparer.Ordinal);

        /// <summary>Installs a complete temp file; when its final name is held open, keeps the temp file and installs
        /// it once the rest is published.</summary>
        /// <returns>True when the file is in place now.</returns>
        public bool InstallOrHold(CopyItem item, string temp)
        {
            try
            {
                Install(item, temp);
                return true;
            }
            catch (IOException e) when (_retry.Classify(e) == FailureKind.Busy)
            {
                Hold(new HeldWork(item.RelativePath, () => InstallHeld(item, temp), () => CountCopied(item), () => TryDelete(temp)), e);
                return false;
            }
        }

        /// <summary>The last phase: held work is tried again, with backoff, until it is done or the busy wait ends.
        /// What is still held then keeps its previous version, and the publish fails with MDTS2013.</summary>
        public void WaitForHeldFiles() => Step(() =>
        {
            if (HeldCount() == 0)
            {
                return;
            }

            TimeSpan wait = _options.BusyWait;
            DateTime deadline = _engine._clock.UtcNow + wait;
            Listener.Info($"{_name}: everything else is published; waiting up to {wait.TotalSeconds:0} s for {HeldFiles().Count} file(s) open in other processes.");
            for (int round = 0; ; round++)
            {
                foreach (HeldWork work in Snapshot().Where(w => !WaitsBehind(w)))
                {
                    Token.ThrowIfCancellationRequested();
                    if (Attempt(work.RelativePath, work.Work, work.Completed) is null)
                    {
                        Forget(work);
                    }
                }

                if (HeldCount() == 0)
                {
                    Listener.Info($"{_name}: the files held open were closed and are published.");
                    return;
                }

                TimeSpan left = deadline - _engine._clock.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    break;
                }

                TimeSpan backoff = BusyBackoff[Math.Min(round, BusyBackoff.Length - 1)];
                _engine._clock.Delay(backoff < left ? backoff : left, Token);
            }

            List<string> files = HeldFiles();
            AbandonHeldFiles();
            files.ForEach(_ => _result.AddFailed());
            Listener.Report(new Diagnostic(DiagnosticCode.FileBusy.AsError(),
                $"{_name}: {files.Count} file(s) stayed open in other processes for {wait.TotalSeconds:0} s and keep their previous version: {string.Join(", ", files)}. Nothing is torn; publish again once they are closed (the clients finished deploying), or raise MdtShareBusyWaitSeconds."));
        });

        /// <summary>Gives up held work without a word (cancelled, stopped, or the wait ended): no temp file stays.</summary>
        private void AbandonHeldFiles()
        {
            foreach (HeldWork work in Snapshot())
            {
                work.Abandon?.Invoke();
                Forget(work);
            }
        }

        private void Hold(HeldWork work, IOException reason)
        {
            bool first;
            lock (_held)
            {
                _held.Add(work);
                first = _heldReported.Add(work.RelativePath);
            }

            if (first)
            {
                Listener.Report(new Diagnostic(DiagnosticCode.FileBusy,
                    $"{_name}: {work.RelativePath} is open in another process, a client deploying from it? ({reason.Message}). It keeps its previous version while everything else is published, then it is tried again for up to {_options.BusyWait.TotalSeconds:0} s."));
            }
        }

        /// <summary>Work that must wait for held work before it (a folder to delete that holds a file to delete).</summary>
        private void HoldBehind(string relativePath, Func<bool> work, Action completed)
        {
            lock (_held)
            {
                _held.Add(new HeldWork(relativePath, work, completed, Abandon: null));
            }
        }

        private bool HoldsBelow(string folder)
        {
            lock (_held)
            {
                return _held.Any(w => w.RelativePath.StartsWith(folder + "/", StringComparison.Ordinal));
            }
        }

        /// <summary>A folder (its path ends with '/') is deleted only after the held work inside it.</summary>
        private bool WaitsBehind(HeldWork folder)
        {
            lock (_held)
            {
                return folder.RelativePath.EndsWith("/", StringComparison.Ordinal)
                    && _held.Any(w => w != folder && w.RelativePath.StartsWith(folder.RelativePath, StringComparison.Ordinal));
            }
        }

        /// <summary>The files held: folders waiting behind them are not counted or named.</summary>
        private List<string> HeldFiles() =>
            Snapshot().Select(w => w.RelativePath).Where(p => !p.EndsWith("/", StringComparison.Ordinal)).Distinct().ToList();

        private bool InstallHeld(CopyItem item, string temp)
        {
            try
            {
                Retry(() => { Install(item, temp); return true; }, item.RelativePath);
                return true;
            }
            catch (Exception e) when (e is not IOException || _retry.Classify(e) != FailureKind.Busy)
            {
                TryDelete(temp);
                throw;
            }
        }

        private int HeldCount()
        {
            lock (_held)
            {
                return _held.Count;
            }
        }

        private List<HeldWork> Snapshot()
        {
            lock (_held)
            {
                return [.. _held];
            }
        }

        private void Forget(HeldWork work)
        {
            lock (_held)
            {
                _held.Remove(work);
            }
        }
    }
}
