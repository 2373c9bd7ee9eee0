using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Support;
using Xunit.Abstractions;

namespace MdtShare.Build.Tests.Mirror;

/// <summary>
/// Randomized convergence: seeded random shares (some files of several MiB, so several copy blocks) and random
/// sequences of edits (content changes, size-preserving changes with the time put back, changes within the 2 s time
/// tolerance, adds, deletes, file/folder swaps, case-only renames, read-only files), each followed by a publish, half
/// the cases with the build's manifest, and checked against an oracle that shares no code with the engine: the target
/// must hold exactly the source's folders and files, spelled the same, with the same bytes, read-only attributes and
/// last-write times (to the 2 s tolerance), and no temp file.
/// CI runs <see cref="QuickCases"/> cases; MDTSHARE_LONG=1 runs <see cref="LongCases"/> (docs/reliability.md).
/// </summary>
public sealed class ConvergenceTests(ITestOutputHelper output)
{
    private const int QuickCases = 500;
    private const int LongCases = 5000;

    // Edits are dated later and later, as real ones are (the fake clock does not move the file system's).
    private static readonly DateTime EditsStart = DateTime.UtcNow.AddDays(1);
    private static int s_edits;

    private static readonly string[] Names = ["Drivers", "drivers2", "Control", "Scripts", "a.inf", "B.SYS", "setup.exe", "ts.xml", "Readme.txt", "x64", "Tools", "wim"];

    // Every operation the mirror performs through its file-system seam.
    private static readonly string[] Operations =
        ["Enumerate", "GetEntry", "OpenRead", "Create", "Write", "CreateNew", "SetTime", "SetReadOnly", "Replace", "Rename", "DeleteFile", "DeleteDirectory", "CreateDirectory"];

    private static int Cases => Environment.GetEnvironmentVariable("MDTSHARE_LONG") == "1" ? LongCases : QuickCases;

    [Fact]
    public void RandomSharesAndEditSequencesConverge()
    {
        for (int seed = 1; seed <= Cases; seed++)
        {
            RunCase(seed, faults: null);
        }
    }

    /// <summary>
    /// The same cases with a fault injected into each publish but the first: at a random operation of a random kind
    /// (a write in the middle of a file among them), once (an outage-class error the retry rides through), for good (an
    /// error never worth retrying), or after the operation was done (a failover that lost the answer: the retry meets
    /// the work already done). Whatever the publish did, every file under its final name is the old or the new
    /// version, a successful publish leaves no temp file, and a rerun without faults converges.
    /// </summary>
    [Fact]
    public void InjectedFaultsNeverTearAFile_AndARerunConverges()
    {
        var faults = new FaultTally();
        for (int seed = 1; seed <= Cases; seed++)
        {
            RunCase(seed, faults);
        }

        output.WriteLine($"{Cases} cases; faults met: {string.Join(", ", faults.Met.OrderBy(m => m.Key).Select(m => $"{m.Key} {m.Value}"))}; " +
            $"publishes with a fault: {faults.SucceededPublishes} succeeded, {faults.FailedPublishes} failed with a code");

        // Not vacuous: faults of every kind were met, and both kinds of publish outcome occurred.
        Assert.All(Operations.Except(["Rename", "SetReadOnly"]), operation => Assert.True(faults.Met.ContainsKey(operation), $"no fault was met at {operation}"));
        Assert.True(faults.FailedPublishes > 0 && faults.SucceededPublishes > 0);
    }

    private static void RunCase(int seed, FaultTally? faults)
    {
        var random = new Random(seed);
        using var temp = new TempDirectory();
        string source = temp.Combine("share");
        string target = temp.Combine("cluster", "Distribution$");
        Directory.CreateDirectory(source);
        Directory.CreateDirectory(temp.Combine("cluster"));
        for (int i = random.Next(1, 12); i > 0; i--)
        {
            AddFile(random, source);
        }

        var compare = random.Next(3) == 0 ? CompareMode.Content : CompareMode.Timestamp;
        bool withManifest = random.Next(2) == 0;
        var clock = new FakeClock();
        int steps = random.Next(1, 5);
        for (int step = 0; step <= steps; step++)
        {
            var edits = new List<string>();
            if (step > 0)
            {
                for (int i = random.Next(1, 4); i > 0; i--)
                {
                    edits.Add(Edit(random, source, compare == CompareMode.Content || withManifest));
                }
            }

            while (Directory.GetFiles(source, "*", SearchOption.AllDirectories).Length == 0)
            {
                edits.Add("add " + AddFile(random, source) + " (an empty share is refused)");
            }

            string context = $"seed {seed}, step {step} ({string.Join("; ", edits)}), {compare}{(withManifest ? " with the manifest" : string.Empty)}";
            var manifest = withManifest ? Manifest(source) : null;
            if (faults is not null && step > 0)
            {
                PublishWithAFault(random, source, target, compare, manifest, clock, faults, context);
            }

            var listener = new RecordingListener();
            MirrorResult result = Publish(new FaultyFileSystem(clock), clock, listener, source, target, compare, manifest);
            Assert.True(result.Succeeded, $"{context}: {result.Abort?.Message} {string.Join(" | ", listener.Diagnostics)}");
            AssertSame(Snapshot(source), Snapshot(target, skipReserved: true), context);
        }
    }

    /// <summary>Entries equal, last-write times within the 2 s tolerance the mirror compares with.</summary>
    private static void AssertSame(SortedDictionary<string, string> wanted, SortedDictionary<string, string> published, string context)
    {
        static bool Same(string a, string b) => a.Split(' ') is [var bytesA, var attributeA, var timeA] && b.Split(' ') is [var bytesB, var attributeB, var timeB]
            ? bytesA == bytesB && attributeA == attributeB && (DateTime.Parse(timeA, null, System.Globalization.DateTimeStyles.RoundtripKind) - DateTime.Parse(timeB, null, System.Globalization.DateTimeStyles.RoundtripKind)).Duration() <= TimeSpan.FromSeconds(2)
            : a == b;
        string? differing = wanted.Keys.Union(published.Keys).FirstOrDefault(k => !wanted.TryGetValue(k, out string? a) || !published.TryGetValue(k, out string? b) || !Same(a, b));
        Assert.True(differing is null, $"{context}: {differing} is {(published.TryGetValue(differing ?? string.Empty, out string? p) ? Tail(p) : "missing")} on the target, {(wanted.TryGetValue(differing ?? string.Empty, out string? w) ? Tail(w) : "absent")} in the share");
    }

    private static string Tail(string entry) => entry.Length > 60 ? entry[..8] + "…" + entry[^50..] : entry;

    private static void PublishWithAFault(Random random, string source, string target, CompareMode compare, IReadOnlyDictionary<string, string>? manifest,
        FakeClock clock, FaultTally faults, string context)
    {
        var before = new Dictionary<string, string>(Contents(target), StringComparer.OrdinalIgnoreCase);
        var after = new Dictionary<string, string>(Contents(source), StringComparer.OrdinalIgnoreCase);
        string operation = Operations[random.Next(Operations.Length)];
        int at = random.Next(1, 6);
        string kind = new[] { "transient", "permanent", "done, then the answer lost" }[random.Next(3)];
        int seen = 0;
        Action<string, string> fault = (op, path) =>
        {
            if (op == operation && Interlocked.Increment(ref seen) == at)
            {
                faults.Meet(op);
                throw kind == "permanent" ? new UnauthorizedAccessException("Permission denied (injected)") : new IOException("Input/output error (injected)", 5);
            }
        };
        var fileSystem = kind == "done, then the answer lost" ? new FaultyFileSystem(clock) { FaultAfter = fault } : new FaultyFileSystem(clock) { Fault = fault };

        MirrorResult result = Publish(fileSystem, clock, new RecordingListener(), source, target, compare, manifest);
        faults.Count(result.Succeeded);
        foreach (var (path, content) in Contents(target).Where(e => !IsTemp(e.Key)))
        {
            Assert.True((before.TryGetValue(path, out string? old) && old == content) || (after.TryGetValue(path, out string? wanted) && wanted == content),
                $"{context}, fault at {operation} #{at} ({kind}): {path} is neither its old nor its new version");
        }

        if (result.Succeeded)
        {
            Assert.DoesNotContain(Snapshot(target).Keys, IsTemp);
        }
    }

    private static MirrorResult Publish(FaultyFileSystem fileSystem, FakeClock clock, RecordingListener listener, string source, string target,
        CompareMode compare, IReadOnlyDictionary<string, string>? manifest) =>
        new MirrorEngine(fileSystem, clock, listener, isWindows: false).Publish(
            new MirrorOptions(source, target) { Compare = compare, MaxDeletePercent = 100, Parallelism = 2, ExpectedHashes = manifest }, CancellationToken.None);

    /// <summary>What the build's manifest would say of the share: SHA-256 by relative path.</summary>
    private static Dictionary<string, string> Manifest(string source) =>
        Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).ToDictionary(
            f => Relative(source, f), f => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))).ToLowerInvariant(), StringComparer.Ordinal);

    private static bool IsTemp(string relativePath) => Path.GetFileName(relativePath).StartsWith(TreeSnapshot.TempPrefix, StringComparison.Ordinal);

    private sealed class FaultTally
    {
        public System.Collections.Concurrent.ConcurrentDictionary<string, int> Met { get; } = new();

        public int FailedPublishes { get; private set; }

        public int SucceededPublishes { get; private set; }

        public void Meet(string operation) => Met.AddOrUpdate(operation, 1, (_, n) => n + 1);

        public void Count(bool succeeded)
        {
            if (succeeded)
            {
                SucceededPublishes++;
            }
            else
            {
                FailedPublishes++;
            }
        }
    }

    /// <summary>Folders (ending in '/') and files with their bytes, read-only attribute and last-write time, by exact
    /// relative path.</summary>
    private static SortedDictionary<string, string> Snapshot(string root, bool skipReserved = false)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            string relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            if (skipReserved && TargetOwnership.IsReserved(relative))
            {
                continue;
            }

            entries[Directory.Exists(path) ? relative + "/" : relative] = Directory.Exists(path) ? string.Empty
                : $"{Convert.ToHexString(File.ReadAllBytes(path))} {(File.GetAttributes(path).HasFlag(FileAttributes.ReadOnly) ? "read-only" : "writable")} {File.GetLastWriteTimeUtc(path):o}";
        }

        return entries;
    }

    /// <summary>The files under their final names with their bytes (what a torn file would differ in).</summary>
    private static Dictionary<string, string> Contents(string root) =>
        Snapshot(root, skipReserved: true).Where(e => !e.Key.EndsWith('/')).ToDictionary(e => e.Key, e => e.Value.Split(' ')[0]);

    /// <param name="sameSizeVisible">Whether a change that keeps size and time can be seen: by a content comparison,
    /// or through the manifest.</param>
    private static string Edit(Random random, string source, bool sameSizeVisible)
    {
        string[] files = Directory.GetFiles(source, "*", SearchOption.AllDirectories);
        string[] folders = Directory.GetDirectories(source, "*", SearchOption.AllDirectories);
        string? file = files.Length > 0 ? files[random.Next(files.Length)] : null;
        switch (random.Next(9))
        {
            case 0 when file is not null:
                WriteContent(random, file, random.Next(0, 3000));
                return "change " + Relative(source, file);
            case 7 when file is not null:
            {
                // A change dated 1 s after the last: within the 2 s tolerance, so by time alone it is unchanged.
                DateTime written = File.GetLastWriteTimeUtc(file);
                long length = new FileInfo(file).Length;
                WriteContent(random, file, sameSizeVisible ? (int)length : (int)length + 1 + random.Next(100));
                File.SetLastWriteTimeUtc(file, written.AddSeconds(1));
                return "change within the time tolerance " + Relative(source, file);
            }

            case 1 when file is not null && sameSizeVisible:
            {
                // Same size, time put back: only a content comparison can see it.
                DateTime written = File.GetLastWriteTimeUtc(file);
                long length = new FileInfo(file).Length;
                ClearReadOnly(file);
                WriteContent(random, file, (int)length, keepReadOnly: false);
                File.SetLastWriteTimeUtc(file, written);
                return "size-preserving change " + Relative(source, file);
            }

            case 2 when file is not null:
                ClearReadOnly(file);
                File.Delete(file);
                return "delete " + Relative(source, file);
            case 3 when file is not null:
            {
                // A file becomes a folder of the same name.
                ClearReadOnly(file);
                File.Delete(file);
                Directory.CreateDirectory(file);
                WriteContent(random, Path.Combine(file, Names[random.Next(Names.Length)]), random.Next(1, 500));
                return "file to folder " + Relative(source, file);
            }

            case 4 when folders.Length > 0:
            {
                // A folder becomes a file of the same name.
                string folder = folders[random.Next(folders.Length)];
                foreach (string inside in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
                {
                    ClearReadOnly(inside);
                }

                Directory.Delete(folder, recursive: true);
                WriteContent(random, folder, random.Next(1, 500));
                return "folder to file " + Relative(source, folder);
            }

            case 5:
            {
                // A case-only rename of a file or a folder.
                string[] entries = [.. files, .. folders];
                if (entries.Length == 0)
                {
                    goto default;
                }

                string entry = entries[random.Next(entries.Length)];
                string name = Path.GetFileName(entry);
                string renamed = name == name.ToUpperInvariant() ? name.ToLowerInvariant() : name.ToUpperInvariant();
                string destination = Path.Combine(Path.GetDirectoryName(entry)!, renamed);
                if (renamed == name || Path.Exists(destination))
                {
                    goto default;
                }

                if (Directory.Exists(entry))
                {
                    Directory.Move(entry, destination);
                }
                else
                {
                    File.Move(entry, destination);
                }

                return $"case rename {Relative(source, entry)} -> {renamed}";
            }

            case 6 when file is not null:
                File.SetAttributes(file, File.GetAttributes(file) ^ FileAttributes.ReadOnly);
                return "toggle read-only " + Relative(source, file);
            default:
                return "add " + AddFile(random, source);
        }
    }

    /// <summary>Adds a file at a random depth, never beside a name that differs only in case (a Windows share could
    /// not hold both, and the build refuses such a share).</summary>
    private static string AddFile(Random random, string source)
    {
        string folder = source;
        for (int depth = random.Next(0, 3); depth > 0; depth--)
        {
            string name = Names[random.Next(Names.Length)];
            string candidate = Path.Combine(folder, name);
            if (File.Exists(candidate) || CaseTwin(folder, name) is { } twin && twin != name)
            {
                break;
            }

            folder = candidate;
        }

        Directory.CreateDirectory(folder);
        string fileName = Names[random.Next(Names.Length)] + (random.Next(2) == 0 ? ".bin" : string.Empty);
        string path = Path.Combine(folder, fileName);
        if (Directory.Exists(path) || CaseTwin(folder, fileName) is { } existing && existing != fileName)
        {
            return "nothing (name taken)";
        }

        // One file in 40 spans two or three 1 MiB copy blocks.
        WriteContent(random, path, random.Next(40) == 0 ? random.Next(1 << 20, 3 << 20) : random.Next(0, 3000));
        return Relative(source, path);
    }

    private static string? CaseTwin(string folder, string name) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName).FirstOrDefault(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            : null;

    private static void WriteContent(Random random, string path, int length, bool keepReadOnly = true)
    {
        bool readOnly = keepReadOnly && File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0;
        if (File.Exists(path))
        {
            ClearReadOnly(path);
        }

        var bytes = new byte[length];
        random.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        File.SetLastWriteTimeUtc(path, EditsStart.AddSeconds(10 * ++s_edits));
        if (readOnly)
        {
            File.SetAttributes(path, File.GetAttributes(path) | FileAttributes.ReadOnly);
        }
    }

    private static void ClearReadOnly(string path) => File.SetAttributes(path, File.GetAttributes(path) & ~FileAttributes.ReadOnly);

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
