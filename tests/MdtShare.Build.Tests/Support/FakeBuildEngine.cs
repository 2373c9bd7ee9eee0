using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Build.Framework;

namespace MdtShare.Build.Tests.Support;

/// <summary>An IBuildEngine that records every event; thread-safe because tasks may log from worker threads.</summary>
public sealed class FakeBuildEngine(string projectFile) : IBuildEngine
{
    public ConcurrentQueue<BuildErrorEventArgs> Errors { get; } = new();

    public ConcurrentQueue<BuildWarningEventArgs> Warnings { get; } = new();

    public ConcurrentQueue<BuildMessageEventArgs> Messages { get; } = new();

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode { get; } = projectFile;

    public IEnumerable<string> ErrorCodes => Errors.Select(e => e.Code);

    public IEnumerable<string> WarningCodes => Warnings.Select(e => e.Code);

    /// <summary>Every text the build would show or record, to search for secrets.</summary>
    public IEnumerable<string> AllText =>
        Errors.Select(e => e.Message + e.File!)
            .Concat(Warnings.Select(e => e.Message + e.File!))
            .Concat(Messages.Select(e => e.Message ?? string.Empty));

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException();

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Enqueue(e);

    public void LogMessageEvent(BuildMessageEventArgs e) => Messages.Enqueue(e);

    public void LogWarningEvent(BuildWarningEventArgs e) => Warnings.Enqueue(e);
}
