using System.Collections.Concurrent;

namespace MdtShare.Build.Mirror;

internal sealed partial class MirrorEngine
{
    /// <summary>
    /// One copy phase for every destination: the files two or more of them need are fanned out (read once, written
    /// to each); each destination copies what is left of its part on its own, at once with the others. A destination
    /// that falls behind the shared copies starts its own copies there and then, so its retries (and its retry
    /// window) never wait for the other destinations' copies.
    /// </summary>
    private void CopyPhase(List<Run> runs, Func<Run, List<CopyItem>> items, CancellationToken cancellation)
    {
        var passes = runs.Where(run => !run.Ended && !run.Stopped).Select(run => new OwnPass(run, items(run))).ToList();
        var shared = passes
            .SelectMany(pass => pass.Items.Select(item => (Pass: pass, Item: item)))
            .GroupBy(pair => pair.Item.Source.FullPath, StringComparer.Ordinal)
            .Where(group => group.Count() > 1)
            .ToList();
        if (shared.Count > 0)
        {
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, passes.Max(pass => pass.Run.Parallelism)),
                CancellationToken = cancellation,
            };
            try
            {
                Parallel.ForEach(shared, parallel, group => FanOut(group.Key, group.ToList(), cancellation));
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
            }
        }

        Task.WaitAll(passes.Select(pass => pass.Finish()).ToArray());
    }

    /// <summary>
    /// One destination's part of a copy phase. Each file is taken by one shared copy or copied here, never both; a
    /// file a shared copy drops comes back here. The destination's own copies start when it falls behind the shared
    /// copies, or else once they are done; they end when the shared copies are done and nothing is left.
    /// </summary>
    private sealed class OwnPass
    {
        private readonly object _gate = new();
        private readonly HashSet<CopyItem> _untaken;
        private readonly BlockingCollection<CopyItem> _left = new();
        private Task? _copying;

        public OwnPass(Run run, List<CopyItem> items)
        {
            Run = run;

            // A file the target links to bytes it already holds is never a shared copy.
            Items = items.Where(item => !run.Adopts(item)).ToList();
            _untaken = new HashSet<CopyItem>(Items);
            items.Where(run.Adopts).ToList().ForEach(_left.Add);
        }

        public Run Run { get; }

        /// <summary>The files a shared copy may take.</summary>
        public List<CopyItem> Items { get; }

        /// <summary>A shared copy takes the file, unless this destination fell behind or stopped.</summary>
        public bool TryTake(CopyItem item)
        {
            lock (_gate)
            {
                return _copying is null && !Run.Stopped && _untaken.Remove(item);
            }
        }

        /// <summary>A shared copy dropped this destination: the file is copied here, and a destination that lags or
        /// failed leaves every shared copy it has not yet joined.</summary>
        /// <param name="failure">The call that failed, if one did: the target's outage began when it began.</param>
        public void GiveBack(CopyItem item, bool fellBehind, (Exception Error, DateTime Started)? failure)
        {
            lock (_gate)
            {
                _left.Add(item);
                if (_copying is null && fellBehind)
                {
                    Start(failure);
                }
                else if (failure is var (error, started))
                {
                    // Told apart from a missing file by a call to the target, which may not answer: not while the copy waits.
                    Task.Run(() => Run.NoteFailure(error, started));
                }
            }
        }

        /// <summary>The shared copies are done: what none took is copied here.</summary>
        public Task Finish()
        {
            lock (_gate)
            {
                Start(failure: null);
                _left.CompleteAdding();
                return _copying!;
            }
        }

        private void Start((Exception Error, DateTime Started)? failure)
        {
            if (_copying is not null)
            {
                return;
            }

            foreach (CopyItem item in _untaken)
            {
                _left.Add(item);
            }

            _untaken.Clear();
            _copying = Task.Run(() =>
            {
                // Before the first retry: the outage is dated from the shared copy's failed call, not from this pass.
                if (failure is var (error, started))
                {
                    Run.NoteFailure(error, started);
                }

                EachRun([Run], run => run.CopyOwn(_left));
            });
        }
    }
}
