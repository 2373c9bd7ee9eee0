using System.Collections.Concurrent;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.SmbTests;

internal sealed class Listener : IMirrorListener
{
    public ConcurrentQueue<Diagnostic> Diagnostics { get; } = new();

    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Every diagnostic and message with the seconds since the listener was made, for failure messages.</summary>
    public ConcurrentQueue<string> Timeline { get; } = new();

    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public IEnumerable<string> Codes => Diagnostics.Select(d => d.Code.Id);

    public void Report(Diagnostic diagnostic)
    {
        Diagnostics.Enqueue(diagnostic);
        Stamp($"{diagnostic.Code.Id}: {diagnostic.Message}");
    }

    public void Detail(string message)
    {
        Messages.Enqueue(message);
        Stamp(message);
    }

    public void Info(string message)
    {
        Messages.Enqueue(message);
        Stamp(message);
    }

    private void Stamp(string text) => Timeline.Enqueue($"{_clock.Elapsed.TotalSeconds:0.0} s {text}");

    public void Progress(ProgressLine progress) => Messages.Enqueue(progress.ToString());
}
