using System.Diagnostics;

namespace MdtShare.Build.Tests.Support;

/// <summary>
/// A real, small file system (tmpfs) mounted for one test, so a disk fills up for real: the kernel returns ENOSPC
/// mid-write, not a fault we made up. Needs root (CAP_SYS_ADMIN), which CI has (the SMB tests mount FUSE the same
/// way); elsewhere the test is skipped with the reason, and under CI a machine that cannot mount fails the test.
/// </summary>
public sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk Mount(string path, long bytes)
    {
        Directory.CreateDirectory(path);
        (int exitCode, string error) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        if (exitCode != 0)
        {
            string reason = $"a tmpfs cannot be mounted here (mount: {error.Trim()})";
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException($"The full-disk test cannot run on this CI machine: {reason}.");
            }

            Skip.If(true, $"Full-disk test skipped: {reason}.");
        }

        return new SmallDisk(path);
    }

    public void Dispose() => Run("umount", "-l", Path);

    private static (int ExitCode, string Error) Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        try
        {
            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
