using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace MdtShare.Build.EndToEndTests;

public sealed record ProcessResult(int ExitCode, string Output)
{
    public IReadOnlyList<string> ErrorCodes => Codes("error");

    public IReadOnlyList<string> WarningCodes => Codes("warning");

    /// <summary>
    /// Codes of MSBuild's canonical "file(line,col): error CODE: text [project]" lines. The console logger repeats
    /// every diagnostic in its summary (with other prefixes at higher verbosity), so each is counted once.
    /// </summary>
    private IReadOnlyList<string> Codes(string kind) =>
        Regex.Matches(Output, $@"^.*?([^\s>]*): {kind} (\w+\d+): (.*?)(?: \[[^\]]*\])?\r?$", RegexOptions.Multiline)
            .Select(m => (Location: m.Groups[1].Value, Code: m.Groups[2].Value, Text: m.Groups[3].Value))
            .Distinct()
            .Select(d => d.Code)
            .ToList();

    public override string ToString() => $"exit code {ExitCode}\n{Output}";
}

/// <summary>Runs the dotnet CLI as a child process with a clean, explicit environment.</summary>
public static class DotNet
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public static ProcessResult Run(string workingDirectory, IDictionary<string, string?> environment, params string[] arguments) =>
        RunTool("dotnet", workingDirectory, environment, arguments);

    public static ProcessResult RunTool(string tool, string workingDirectory, params string[] arguments) =>
        RunTool(tool, workingDirectory, new Dictionary<string, string?>(), arguments);

    private static ProcessResult RunTool(string tool, string workingDirectory, IDictionary<string, string?> environment, string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's own MSBuild and test-platform variables must not leak into the user's build.
        foreach (string name in start.Environment.Keys.ToList())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase) || name is "DOTNET_HOST_PATH" or "NUGET_PACKAGES"
                || name.StartsWith("GITHUB_", StringComparison.Ordinal) || name == "TF_BUILD")
            {
                start.Environment.Remove(name);
            }
        }

        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish in {Timeout}:\n{output}");
        }

        process.WaitForExit();
        lock (output)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }
}
