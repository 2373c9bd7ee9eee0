namespace MdtShare.Build.Mirror;

/// <summary>Time for retries and progress; tests replace it so an outage of minutes takes no real time.</summary>
internal interface IClock
{
    DateTime UtcNow { get; }

    void Delay(TimeSpan delay, CancellationToken cancellation);
}

internal sealed class SystemClock : IClock
{
    public static SystemClock Instance { get; } = new();

    public DateTime UtcNow => DateTime.UtcNow;

    public void Delay(TimeSpan delay, CancellationToken cancellation)
    {
        cancellation.WaitHandle.WaitOne(delay);
        cancellation.ThrowIfCancellationRequested();
    }
}
