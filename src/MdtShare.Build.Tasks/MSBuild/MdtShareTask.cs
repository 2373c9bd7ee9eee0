using MdtShare.Build.Availability;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Mirror;
using MdtShare.Build.Reports;
using Microsoft.Build.Framework;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace MdtShare.Build.Tasks;

/// <summary>
/// What every MdtShare task shares: engine findings become coded MSBuild errors and warnings with a help link,
/// expected failures never surface as stack traces, and Execute returns false exactly when an error was logged or the
/// build was cancelled (Ctrl+C, a pipeline's cancel): a cancelled task stops promptly and never reports success.
/// </summary>
public abstract class MdtShareTask : MSBuildTask, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    /// <summary>Set when MSBuild cancels the build; long steps watch it.</summary>
    protected CancellationToken Cancellation => _cancel.Token;

    public void Cancel() => _cancel.Cancel();

    public sealed override bool Execute()
    {
        try
        {
            ExecuteCore();
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
        }
        catch (MdtShareException e)
        {
            Report(e.Diagnostic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Report(new Diagnostic(DiagnosticCode.FileAccessFailed, e.Message));
        }
        catch (Exception e)
        {
            Report(new Diagnostic(DiagnosticCode.InternalError,
                $"{GetType().Name} failed unexpectedly ({e.GetType().Name}: {e.Message}). Please report it with the build log (-bl)."));
            Message(MessageImportance.Low, e.ToString());
        }

        return !Log.HasLoggedErrors && !_cancel.IsCancellationRequested;
    }

    /// <summary>
    /// The user's project ($(MSBuildProjectFullPath)): relative paths resolve against its folder, and findings
    /// about properties and items point at it. The engine only knows the file that declares the task node.
    /// </summary>
    public string ProjectFile { get; set; } = string.Empty;

    /// <summary>
    /// Set by MSBuild in question mode (<c>dotnet build -question</c>) on the tasks that implement
    /// <see cref="IIncrementalTask"/>: they change nothing and report each change they would make as an error.
    /// </summary>
    public bool FailIfNotIncremental { get; set; }

    protected abstract void ExecuteCore();

    /// <summary>A long step's progress: a Normal-importance line, and on Azure Pipelines the step's own progress.</summary>
    private protected void LogProgress(ProgressLine progress, string operation)
    {
        Message(MessageImportance.Normal, progress.ToString());
        if (BuildAgent.Current.IsAzurePipelines)
        {
            Log.LogMessage(MessageImportance.High, BuildAgent.SetProgress(progress.Percent, BuildAgent.Current.Defuse(operation)));
        }
    }

    /// <summary>The log as an engine sees it: findings, lines for the user (High), details (Low), changes due in
    /// question mode.</summary>
    private protected IBuildListener BuildLog => new TaskLog(this);

    /// <summary>Every message of ours goes through here, so names from the share cannot command a build agent.</summary>
    protected void Message(MessageImportance importance, string text) => Log.LogMessage(importance, BuildAgent.Current.Defuse(text));

    /// <summary>In question mode: the change this task would make, as an error; nothing is changed.</summary>
    protected void ReportOutOfDate(string change) =>
        Report(new Diagnostic(DiagnosticCode.NotUpToDate, $"{change} (-question: nothing was changed)."));

    protected string ProjectPath => ProjectFile.Length > 0 ? ProjectFile : BuildEngine.ProjectFileOfTaskNode;

    private string ProjectDirectory => Path.GetDirectoryName(Path.GetFullPath(ProjectPath)) ?? string.Empty;

    /// <summary>Resolves a path against the project's folder, never against the process's current directory.</summary>
    protected string ResolvePath(string path) =>
        Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(ProjectDirectory, path));

    /// <summary>The files every task that reads a share skips: ours, and the MirrorExclude items.</summary>
    private protected static IReadOnlyList<string> Excludes(ITaskItem[] items) =>
        ExcludeFilter.Defaults.Concat(items.Select(e => e.ItemSpec)).ToList();

    /// <summary>Files hashed at once: the parameter, or one per processor when it is 0.</summary>
    private protected static int HashParallelism(int parameter) => parameter > 0 ? parameter : Environment.ProcessorCount;

    /// <summary>Whether clients' open files on each target survive a cluster failover: logged (MDTS2021 for a target
    /// that is not continuously available; MDTS2022 when it is required and not shown), and returned for the report.</summary>
    private protected IReadOnlyList<ShareAvailability> CheckContinuousAvailability(IReadOnlyList<AvailabilityTarget> targets, bool required)
    {
        IReadOnlyList<ShareAvailability> found = new ContinuousAvailabilityProbe(new SystemAvailabilitySource()).Check(targets, Cancellation);
        foreach (ShareAvailability availability in found)
        {
            if (ContinuousAvailabilityProbe.Finding(availability, required) is { } finding)
            {
                Report(finding);
            }
            else
            {
                Message(MessageImportance.Normal, $"Continuous availability of {availability.Target}: {availability.StateName} ({availability.Detail})");
            }
        }

        return found;
    }

    private protected void Report(Diagnostic diagnostic)
    {
        string file = BuildAgent.Current.Defuse(diagnostic.File ?? ProjectPath);
        string message = BuildAgent.Current.Defuse(diagnostic.Message);
        if (diagnostic.Severity == Severity.Error)
        {
            Log.LogError(null, diagnostic.Code.Id, null, diagnostic.Code.HelpLink, file, diagnostic.Line,
                diagnostic.Column, 0, 0, message);
        }
        else
        {
            Log.LogWarning(null, diagnostic.Code.Id, null, diagnostic.Code.HelpLink, file, diagnostic.Line,
                diagnostic.Column, 0, 0, message);
        }
    }

    private protected void Report(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (Diagnostic diagnostic in diagnostics)
        {
            Report(diagnostic);
        }
    }

    private sealed class TaskLog(MdtShareTask task) : IBuildListener
    {
        public void Report(Diagnostic diagnostic) => task.Report(diagnostic);

        public void Tell(string line) => task.Message(MessageImportance.High, line);

        public void Info(string line) => task.Message(MessageImportance.Normal, line);

        public void Detail(string line) => task.Message(MessageImportance.Low, line);

        public void OutOfDate(string change) => task.ReportOutOfDate(change);
    }
}
