namespace MdtShare.Build.Mirror;

/// <summary>Lets a progress line through at most once per interval, from any thread; the first after one interval.</summary>
internal sealed class ProgressThrottle(TimeSpan interval, DateTime started)
{
    private readonly object _gate = new();
    private DateTime _last = started;

    public DateTime Started { get; } = started;

    public bool Due(DateTime now)
    {
        lock (_gate)
        {
            if (now - _last < interval)
            {
                return false;
            }

            _last = now;
            return true;
        }
    }
}
