using System.Diagnostics;

namespace MdtShare.Build.WindowsTests.Support;

/// <summary>Another process of the test program in one of its <see cref="ChildRoles"/>, under the same host as the
/// tests (another Wine process shares the wineserver, so the sharing modes it holds bind the tests).</summary>
internal sealed class Child : IDisposable
{
    private readonly Process _process;

    private Child(Process process) => _process = process;

    public int Id => _process.Id;

    public static Child Start(params string[] roleAndArguments)
    {
        var (program, prefix) = Program();
        var start = new ProcessStartInfo(program, string.Join(" ", prefix.Concat(roleAndArguments).Select(a => "\"" + a + "\"")))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        return new Child(Process.Start(start)!);
    }

    /// <summary>What starts the test program: its own executable, or Mono with its assembly.</summary>
    public static (string Program, string[] Prefix) Program()
    {
#if NET
        return (Environment.ProcessPath!, []);
#else
        string assembly = typeof(Child).Assembly.Location;
        return Type.GetType("Mono.Runtime") is null ? (assembly, []) : ("mono", [assembly]);
#endif
    }

    /// <summary>The child's next line of output, which must come within <paramref name="timeout"/>.</summary>
    public async Task<string> ReadLineAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        Task<string?> line = _process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(line, Task.Delay(timeout, cancellation)) != line)
        {
            throw new TimeoutException($"The child process said nothing for {timeout.TotalSeconds:0} s.");
        }

        return await line ?? throw new EndOfStreamException("The child process ended without a word.");
    }

    public void Tell(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    public void Kill()
    {
        _process.Kill();
        if (!_process.WaitForExit(30_000))
        {
            throw new TimeoutException("A killed child process did not end within 30 s.");
        }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit((int)timeout.TotalMilliseconds);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(30_000);
        }

        _process.Dispose();
    }
}

internal static class Waits
{
    /// <summary>The task's result, which must come within <paramref name="timeout"/>.</summary>
    public static async Task<T> Within<T>(this Task<T> task, TimeSpan timeout)
    {
        if (await Task.WhenAny(task, Task.Delay(timeout)) != task)
        {
            throw new TimeoutException($"Not done within {timeout.TotalSeconds:0} s.");
        }

        return await task;
    }
}

/// <summary>
/// The tests that start processes run one at a time: Process.Start on Windows makes the child's pipe handles
/// inheritable, so a process started at the same moment by another test inherits them and holds the pipe open,
/// and a reader waiting for the end of the first child's output waits for the second child to end as well.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChildProcessCollection
{
    public const string Name = "Child processes";
}
