using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Mirror;

/// <summary>The retry window ran out: the target stayed unreachable too long.</summary>
internal sealed class RetryWindowExhaustedException(string message, Exception inner) : IOException(message, inner);

/// <summary>
/// Rides through target outages: an operation failing with an outage-class error waits with backoff and tries
/// again until it has failed continuously for the retry window. All workers share one outage, so a failover
/// gives one warning, not one per file. Other failures are thrown at once: a permanent one fails its file, and a busy
/// one (a file held open by a client) is the engine's to hold back until the rest is published.
/// </summary>
internal sealed class RetryPolicy(
    IClock clock, TimeSpan window, string targetName, Func<bool> targetRootExists, IMirrorListener listener, bool isWindows)
{
    private static readonly TimeSpan[] Backoff =
        [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    private readonly object _gate = new();
    private DateTime? _outageSince;
    private volatile bool _inOutage;

    // Bumped when an outage begins or ends: only an operation started after an outage began can prove the target is
    // back, and only one started after it came back can prove it is gone again (a failure from before the recovery
    // is a leftover of the same outage, not a second one).
    private int _generation;

    private int _retries;

    public int Outages { get; private set; }

    /// <summary>Operations tried again after an outage-class failure.</summary>
    public int Retries => Volatile.Read(ref _retries);

    public T Execute<T>(Func<T> operation, string what, CancellationToken cancellation)
    {
        DateTime? failingSince = null;
        for (int attempt = 0; ; attempt++)
        {
            cancellation.ThrowIfCancellationRequested();
            int generation = Volatile.Read(ref _generation);

            // A call that timed out failed when it started, not when its time ran out.
            DateTime started = clock.UtcNow;
            try
            {
                T result = operation();
                EndOutage(generation);
                return result;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (Classify(e) != FailureKind.Outage)
                {
                    throw;
                }

                DateTime now = clock.UtcNow;
                failingSince ??= started;
                BeginOutage(e, now, generation);

                // The window measures the target's outage, not this call's: a call first tried late in an outage (a
                // target that fell behind, a worker that was busy reading) gets no fresh window of its own.
                TimeSpan failing = now - Earliest(failingSince.Value);
                if (failing >= window)
                {
                    throw new RetryWindowExhaustedException(
                        $"{targetName}: {what} still failing after {window.TotalSeconds:0} s ({e.Message}).", e);
                }

                // The last attempt starts within the window: the publish ends by the window and one call's time limit.
                TimeSpan backoff = Backoff[Math.Min(attempt, Backoff.Length - 1)];
                clock.Delay(backoff < window - failing ? backoff : window - failing, cancellation);
                Interlocked.Increment(ref _retries);
            }
        }
    }

    public void Execute(Action operation, string what, CancellationToken cancellation) =>
        Execute<object?>(() => { operation(); return null; }, what, cancellation);

    /// <summary>A call made outside <see cref="Execute{T}"/> (a copy shared by several targets) failed: an outage
    /// begins when that call began, so the retries that follow measure the window from there.</summary>
    public void Observe(Exception error, DateTime started)
    {
        if (Classify(error) == FailureKind.Outage)
        {
            BeginOutage(error, started, Volatile.Read(ref _generation));
        }
    }

    private DateTime Earliest(DateTime failingSince)
    {
        lock (_gate)
        {
            return _outageSince is { } outage && outage < failingSince ? outage : failingSince;
        }
    }

    public FailureKind Classify(Exception exception) => FailureClassifier.Classify(exception, isWindows, targetRootExists);

    private void BeginOutage(Exception e, DateTime now, int generation)
    {
        lock (_gate)
        {
            if (_outageSince is not null || generation != _generation)
            {
                return;
            }

            _outageSince = now;
            _inOutage = true;
            _generation++;
            Outages++;
            listener.Report(new Diagnostic(DiagnosticCode.TargetUnreachable,
                $"{targetName} is unreachable ({e.Message}); waiting for it to come back (a cluster failover?) for up to {window.TotalSeconds:0} s. Finished files are kept."));
        }
    }

    private void EndOutage(int generation)
    {
        if (!_inOutage)
        {
            return;
        }

        lock (_gate)
        {
            if (_outageSince is { } since && generation == _generation)
            {
                listener.Info($"{targetName} is reachable again after {(clock.UtcNow - since).TotalSeconds:0.0} s; resuming.");
                _outageSince = null;
                _inOutage = false;
                _generation++;
            }
        }
    }
}
