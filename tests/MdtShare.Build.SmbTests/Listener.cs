using System.Collections.Concurrent;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;

namespace MdtShare.Build.SmbTests;

public sealed class Listener : IMirrorListener
{
    public ConcurrentQueue<Diagnostic> Diagnostics { get; } = new();

    public ConcurrentQueue<string> Messages { get; } = new();

    public IEnumerable<string> Codes => Diagnostics.Select(d => d.Code.Id);

    public void Report(Diagnostic diagnostic) => Diagnostics.Enqueue(diagnostic);

    public void Detail(string message) => Messages.Enqueue(message);

    public void Info(string message) => Messages.Enqueue(message);

    public void Progress(ProgressLine progress) => Messages.Enqueue(progress.ToString());
}
