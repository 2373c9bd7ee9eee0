using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Tests.Support;

/// <summary>Keeps everything an engine that writes the build's files tells its host, for assertions.</summary>
internal sealed class RecordingBuildListener : IBuildListener
{
    public List<Diagnostic> Diagnostics { get; } = [];

    public List<string> Lines { get; } = [];

    public List<string> Infos { get; } = [];

    public List<string> Details { get; } = [];

    public List<string> OutOfDates { get; } = [];

    public IEnumerable<string> Codes => Diagnostics.Select(d => d.Code.Id);

    public void Report(Diagnostic diagnostic) => Diagnostics.Add(diagnostic);

    public void Tell(string line) => Lines.Add(line);

    public void Info(string line) => Infos.Add(line);

    public void Detail(string line) => Details.Add(line);

    public void OutOfDate(string change) => OutOfDates.Add(change);
}
