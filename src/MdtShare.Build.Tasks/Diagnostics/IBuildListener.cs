namespace MdtShare.Build.Diagnostics;

/// <summary>What an engine that writes the build's files tells its host as it goes; a task turns it into MSBuild's
/// log (<c>MdtShareTask.BuildLog</c>), a test records it.</summary>
internal interface IBuildListener
{
    void Report(Diagnostic diagnostic);

    /// <summary>A line for the user: what became of a file, what is left to do by hand.</summary>
    void Tell(string line);

    /// <summary>A line for whoever reads the log at its usual detail: a finding that needs no action.</summary>
    void Info(string line);

    /// <summary>A line for whoever reads a detailed log: one change among many.</summary>
    void Detail(string line);

    /// <summary>Only checking (MSBuild's question mode): a change that is due and was not made.</summary>
    void OutOfDate(string change);
}
