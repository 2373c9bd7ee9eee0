using System.Collections.Concurrent;
using System.Diagnostics;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.Tests.Support;

/// <summary>Keeps everything a mirror engine reports, for assertions; the timeline (seconds since it was made) is for
/// failure messages of tests that run on a real clock.</summary>
internal sealed class RecordingListener : IMirrorListener
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConcurrentQueue<Diagnostic> Diagnostics { get; } = new();

    public ConcurrentQueue<string> Details { get; } = new();

    public ConcurrentQueue<string> Infos { get; } = new();

    /// <summary>Details and infos, in the order they came.</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

    public ConcurrentQueue<string> Timeline { get; } = new();

    public IEnumerable<string> Codes => Diagnostics.Select(d => d.Code.Id);

    public void Report(Diagnostic diagnostic)
    {
        Diagnostics.Enqueue(diagnostic);
        Stamp($"{diagnostic.Code.Id}: {diagnostic.Message}");
    }

    public void Detail(string message)
    {
        Details.Enqueue(message);
        Messages.Enqueue(message);
        Stamp(message);
    }

    public void Info(string message)
    {
        Infos.Enqueue(message);
        Messages.Enqueue(message);
        Stamp(message);
    }

    public void Progress(ProgressLine progress) => Info(progress.ToString());

    private void Stamp(string text) => Timeline.Enqueue($"{_clock.Elapsed.TotalSeconds:0.0} s {text}");
}
