using MdtShare.Build.Diagnostics;
using MdtShare.Build.IO;

namespace MdtShare.Build.Mirror;

/// <summary>
/// Makes one destination equal the source share plus overlays, safely: guarded purges, one publisher at a time,
/// atomic per-file replace (temp name, flush, timestamps, rename), bulk first and metadata last, and outages
/// ridden through. Knows nothing of MSBuild.
/// </summary>
internal sealed partial class MirrorEngine
{
    private readonly IMirrorFileSystem _fileSystem;
    private readonly IClock _clock;
    private readonly IMirrorListener _listener;
    private readonly bool _isWindows;

    public MirrorEngine(IMirrorFileSystem fileSystem, IClock clock, IMirrorListener listener, bool isWindows)
    {
        _fileSystem = fileSystem;
        _clock = clock;
        _listener = listener;
        _isWindows = isWindows;
    }

    public MirrorEngine(IMirrorListener listener)
        : this(PhysicalFileSystem.Instance, SystemClock.Instance, listener, HostSystem.IsWindows)
    {
    }

    public MirrorResult Publish(MirrorOptions options, CancellationToken cancellation) => Publish([options], cancellation)[0];

    /// <summary>
    /// Publishes to several destinations at once (one cluster per site). Each file of the share that more than one
    /// destination needs is read once and written to all of them as it is read. A destination that fails a write
    /// (an outage, a full disk) drops out of that file and copies it on its own afterwards, with its own retries:
    /// it holds the others back for no longer than its retry window. Every destination keeps its own phases (bulk
    /// first, Control last, deletes after every copy), lock, guards and result.
    /// </summary>
    public IReadOnlyList<MirrorResult> Publish(IReadOnlyList<MirrorOptions> targets, CancellationToken cancellation)
    {
        var runs = targets.Select(o => new Run(this, o, new MirrorResult(o.DestinationRoot), cancellation)).ToList();
        var plans = new Dictionary<Run, MirrorPlan>();
        try
        {
            EachRun(runs, run =>
            {
                if (run.Prepare() is { } plan)
                {
                    lock (plans)
                    {
                        plans[run] = plan;
                    }
                }
            });
            var publishing = runs.Where(plans.ContainsKey).ToList();
            EachRun(publishing, run => run.CreateFolders(plans[run]));
            CopyPhase(publishing, run => plans[run].BulkCopies, cancellation);
            EachRun(publishing, run => run.RecordRetained());
            CopyPhase(publishing, run => plans[run].MetadataCopies, cancellation);
            EachRun(publishing, run => run.Finish(plans[run]));
            EachRun(publishing, run => run.WaitForHeldFiles());
            EachRun(publishing, run => run.RecordRetained());
            EachRun(publishing, run => run.RemoveOwnTemps());
            EachRun(publishing, run => run.RecordPublished());
        }
        finally
        {
            runs.AsParallel().WithDegreeOfParallelism(Math.Max(1, runs.Count)).ForAll(run => run.Release());
        }

        return runs.Select(run => run.Result).ToList();
    }

    /// <summary>One step for every destination still publishing, all at once; a destination whose step fails for
    /// good (a guard, an exhausted retry window, a refused operation) gets its code and takes no further step.</summary>
    private static void EachRun(List<Run> runs, Action<Run> step) =>
        runs.AsParallel().WithDegreeOfParallelism(Math.Max(1, runs.Count)).ForAll(run =>
        {
            if (run.Ended)
            {
                return;
            }

            try
            {
                step(run);
            }
            catch (AbortException e)
            {
                run.End(e.Diagnostic);
            }
            catch (RetryWindowExhaustedException e)
            {
                // Outside the copies (creating folders, taking the lock, reading the target): the same stop.
                run.GiveUp();
                run.End(WindowExhausted(e, run.Result.Destination));
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                // The target's bookkeeping (root folder, marker, lock, leftovers) failed for good; files fail one by one.
                run.End(new Diagnostic(DiagnosticCode.TargetRefused,
                    $"{run.Result.Destination}: {e.Message} Publishing stopped; no file is left torn, and the next publish resumes."));
            }
        });

    private static Diagnostic WindowExhausted(RetryWindowExhaustedException e, string target) =>
        new(DiagnosticCode.RetryWindowExhausted,
            $"{e.Message} Publishing to {target} stopped; no file is left torn, and the next publish resumes where this one stopped (breaking the lock this one leaves).");

    /// <summary>The bytes copied do not hash to the manifest's value: never renamed into place, never retried.</summary>
    private sealed class SourceChangedException(string relativePath) : Exception(relativePath);

    private sealed class AbortException(Diagnostic diagnostic) : Exception(diagnostic.Message)
    {
        public Diagnostic Diagnostic { get; } = diagnostic;
    }
}
