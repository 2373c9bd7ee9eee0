using System.Diagnostics;
using System.Text;

namespace MdtShare.Build.IO;

/// <summary>Runs an external tool (wimlib-imagex, xorriso, wdsutil, PowerShell) with exact arguments and collects its output.</summary>
internal static class ToolProcess
{
    /// <exception cref="OperationCanceledException">Cancelled: the tool was killed, its output is discarded.</exception>
    public static byte[] Run(string executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment,
        out int exitCode, out string errors, CancellationToken cancellation = default)
    {
        ProcessStartInfo start = Start(executable, string.Empty);
#if NETFRAMEWORK
        start.Arguments = string.Join(" ", arguments.Select(QuoteForWindows));
#else
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
#endif
        return Run(start, environment, out exitCode, out errors, cancellation);
    }

    /// <summary>
    /// With the command line as one text, handed to the tool as it is: for a tool whose command line is also written
    /// into a script (wdsutil), so that both give it the same characters, whatever its own parsing makes of them.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled: the tool was killed, its output is discarded.</exception>
    /// <exception cref="System.ComponentModel.Win32Exception">The tool could not be started.</exception>
    public static byte[] Run(string executable, string commandLine, IReadOnlyDictionary<string, string> environment,
        out int exitCode, out string errors, CancellationToken cancellation = default) =>
        Run(Start(executable, commandLine), environment, out exitCode, out errors, cancellation);

    private static ProcessStartInfo Start(string executable, string commandLine) =>
        new(executable, commandLine) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };

    private static byte[] Run(ProcessStartInfo start, IReadOnlyDictionary<string, string> environment,
        out int exitCode, out string errors, CancellationToken cancellation)
    {
        foreach (var (name, value) in environment.Select(p => (p.Key, p.Value)))
        {
            start.EnvironmentVariables[name] = value;
        }

        cancellation.ThrowIfCancellationRequested();
        using Process process = Process.Start(start)!;
        using CancellationTokenRegistration kill = cancellation.Register(() => Kill(process));
        var stderr = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        cancellation.ThrowIfCancellationRequested();
        exitCode = process.ExitCode;

        // One line: MSBuild would log every line of a multi-line message as an error of its own.
        errors = string.Join(" ", stderr.GetAwaiter().GetResult().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        return output.ToArray();
    }

    private static void Kill(Process process)
    {
        try
        {
#if NETFRAMEWORK
            process.Kill();
#else
            // A launcher (a dotnet tool's shim, a script) leaves its child holding the output pipe open: the read
            // would wait for the child, so the whole tree goes.
            process.Kill(entireProcessTree: true);
#endif
        }
        catch (InvalidOperationException)
        {
            // It has exited already.
        }
    }

    /// <summary>The executable in a folder of PATH (or the configured path when given and present); null if none.</summary>
    public static string? Find(string? configuredPath, string? pathVariable, params string[] names) =>
        !string.IsNullOrWhiteSpace(configuredPath)
            ? File.Exists(configuredPath) ? configuredPath : null
            : (pathVariable ?? string.Empty).Split(Path.PathSeparator).Where(d => d.Length > 0)
                .SelectMany(d => names.Select(n => Path.Combine(d, n))).FirstOrDefault(File.Exists);

#if NETFRAMEWORK
    /// <summary>Quotes one argument as CommandLineToArgvW reads it back (.NET Framework has no ArgumentList).</summary>
    private static string QuoteForWindows(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '"']) < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder("\"");
        int backslashes = 0;
        foreach (char c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes).Append(c);
            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
#endif
}
