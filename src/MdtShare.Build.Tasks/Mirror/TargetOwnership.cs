using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.Mirror;

/// <summary>
/// The two files MdtShare keeps at a destination's root: an ownership marker written by the first publish (a
/// purge is only ever done in a folder we own) and a lock that keeps a second publisher out.
/// </summary>
public static class TargetOwnership
{
    public const string MarkerName = ".mdtshare-target";
    public const string LockName = ".mdtshare-publish.lock";

    public static bool IsReserved(string relativePath) =>
        string.Equals(relativePath, MarkerName, StringComparison.OrdinalIgnoreCase)
        || string.Equals(relativePath, LockName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Refuses destinations a purge must never run in; null when the pair is fine.</summary>
    public static Diagnostic? CheckPaths(string source, string destination)
    {
        string sourceFull = Normalize(source);
        string destinationFull = Normalize(destination);
        StringComparison comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        string trimmed = destinationFull.TrimEnd(Path.DirectorySeparatorChar);
        string? root = Path.GetPathRoot(destinationFull);
        bool isUncShare = destinationFull.StartsWith(@"\\", StringComparison.Ordinal);
        if (!isUncShare && root is not null && string.Equals(trimmed, root.TrimEnd(Path.DirectorySeparatorChar), comparison))
        {
            return new Diagnostic(DiagnosticCode.TargetIsFileSystemRoot,
                $"The publish target '{destination}' is the root of a drive or file system; publish into a folder (a UNC share root such as \\\\MDTCLUSTER\\Distribution$ is fine).");
        }

        if (destinationFull.StartsWith(sourceFull, comparison) || sourceFull.StartsWith(destinationFull, comparison))
        {
            return new Diagnostic(DiagnosticCode.TargetOverlapsSource,
                $"The publish target '{destination}' and the deployment share '{source}' are the same folder or one is inside the other; a mirror between them would copy into or purge the share.");
        }

        return null;
    }

    /// <summary>Publishes running in this process, by run id: a lock of this process that names none of them is
    /// stale (a release that failed in an outage), which matters for long-lived MSBuild nodes.</summary>
    private static readonly ConcurrentDictionary<string, bool> ActiveRuns = new(StringComparer.Ordinal);

    public static void BeginRun(string runId) => ActiveRuns[runId] = true;

    public static void EndRun(string runId) => ActiveRuns.TryRemove(runId, out _);

    public static string LockContent(string runId, DateTime startedUtc) => string.Join("\n",
        "machine=" + Environment.MachineName,
        "pid=" + CurrentProcessId.ToString(CultureInfo.InvariantCulture),
        "run=" + runId,
        "user=" + Environment.UserName,
        "started=" + startedUtc.ToString("o", CultureInfo.InvariantCulture)) + "\n";

    public static string MarkerContent(string source, DateTime createdUtc) => string.Join("\n",
        "This folder is a deployment share published by MdtShare.Build; publishes mirror into it and may delete files.",
        "source=" + source,
        "created=" + createdUtc.ToString("o", CultureInfo.InvariantCulture)) + "\n";

    public static Dictionary<string, string> ParseLock(string content) =>
        content.Split('\n')
            .Select(line => line.Split(['='], 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First()[1].Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>A lock whose process is gone from this very machine can be broken safely.</summary>
    public static bool IsStale(IReadOnlyDictionary<string, string> holder)
    {
        if (!holder.TryGetValue("machine", out string? machine) || !string.Equals(machine, Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            || !holder.TryGetValue("pid", out string? pidText) || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            return false;
        }

        if (pid == CurrentProcessId)
        {
            return !holder.TryGetValue("run", out string? run) || !ActiveRuns.ContainsKey(run);
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            return process.HasExited || StartedAfter(process, holder);
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    /// <summary>Windows hands a dead process's id to the next process soon: a process with the lock's id that started
    /// after the lock was taken is another one.</summary>
    private static bool StartedAfter(Process process, IReadOnlyDictionary<string, string> holder)
    {
        if (!holder.TryGetValue("started", out string? text)
            || !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTime started))
        {
            return false;
        }

        try
        {
            return process.StartTime.ToUniversalTime() > started.ToUniversalTime().AddSeconds(1);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }

    public static string Describe(IReadOnlyDictionary<string, string> holder) =>
        string.Join(", ", new[] { "machine", "pid", "user", "started" }
            .Where(holder.ContainsKey).Select(k => $"{k} {holder[k]}"));

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static int CurrentProcessId { get; } = GetCurrentProcessId();

    private static int GetCurrentProcessId()
    {
        using Process process = Process.GetCurrentProcess();
        return process.Id;
    }

    private static string Normalize(string path) =>
        Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
}
