using System.Diagnostics;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;
using MdtShare.Build.Mirror;
using MdtShare.Build.Tests.Shared;

// The engines without MSBuild, for bench/README.md:
//   mirror SOURCE DESTINATION [DESTINATION...] [--parallelism N] [--compare Timestamp|Content]
//          (several destinations: published at once, each shared file read once)
//   manifest SHARE MANIFEST CACHE [--parallelism N]
//   verify MANIFEST TARGET [--parallelism N]
//   samba-serve: starts a Samba server on loopback mounted through FUSE, prints "mount PATH" and "server PATH",
//                and stops it when standard input closes (bench/compare-smb.sh)
string Option(string name, string fallback) =>
    Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;

var watch = Stopwatch.StartNew();
switch (args.FirstOrDefault())
{
    case "mirror" when args.Length >= 3:
    {
        var destinations = args.Skip(2).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).Select(Path.GetFullPath);
        var targets = destinations.Select(destination => new MirrorOptions(Path.GetFullPath(args[1]), destination)
        {
            Parallelism = int.Parse(Option("--parallelism", MirrorOptions.DefaultParallelism.ToString())),
            Compare = Enum.Parse<CompareMode>(Option("--compare", nameof(CompareMode.Timestamp))),
            MaxDeletePercent = 100,
            AdoptExistingTarget = true,
        }).ToList();
        IReadOnlyList<MirrorResult> results = new MirrorEngine(new ConsoleListener()).Publish(targets, CancellationToken.None);
        foreach (MirrorResult result in results)
        {
            Console.WriteLine($"{result.Destination}: {result.Copied} copied, {result.Updated} updated, {result.Deleted} deleted, {result.Skipped} unchanged, {result.Failed} failed, {result.BytesCopied} bytes");
        }

        Console.WriteLine($"{watch.Elapsed.TotalSeconds:0.00} s");
        return results.All(r => r.Succeeded) ? 0 : 1;
    }

    case "manifest" when args.Length >= 4:
    {
        Task<HashCache> cache = HashCache.LoadInBackground(Path.GetFullPath(args[3]));
        SourceTree tree = SourceTree.Create(PhysicalFileSystem.Instance, Path.GetFullPath(args[1]), [], new ExcludeFilter(ExcludeFilter.Defaults), _ => false);
        var (written, _, _) = ManifestWriter.Write([(Path.GetFullPath(args[2]), tree)], Path.GetFullPath(args[3]), cache,
            int.Parse(Option("--parallelism", Environment.ProcessorCount.ToString())), CancellationToken.None);
        ManifestBuild build = written[0].Build;
        Console.WriteLine($"{build.Manifest.Entries.Count} files, hashed {build.HashedFiles} ({build.HashedBytes} bytes), {build.CachedFiles} cached, {watch.Elapsed.TotalSeconds:0.00} s");
        return 0;
    }

    case "verify" when args.Length >= 3:
    {
        var errors = new List<Diagnostic>();
        ShareManifest manifest = ShareManifest.Parse(File.ReadAllBytes(args[1]), args[1], errors);
        VerifyResult result = ShareVerifier.Verify(manifest, Path.GetFullPath(args[2]), new ExcludeFilter(ExcludeFilter.Defaults),
            int.Parse(Option("--parallelism", Environment.ProcessorCount.ToString())), CancellationToken.None);
        Console.WriteLine($"{(result.Passed ? "OK" : "DRIFT")}: {result.Verified} verified, {result.BytesHashed} bytes, {watch.Elapsed.TotalSeconds:0.00} s");
        return errors.Count == 0 && result.Passed ? 0 : 1;
    }

    case "samba-serve":
    {
        if (SambaServer.MissingPrerequisite() is { } missing)
        {
            Console.Error.WriteLine(missing);
            return 2;
        }

        using SambaServer server = SambaServer.Start();
        Console.WriteLine($"mount {server.MountedShare}");
        Console.WriteLine($"server {server.ServerFolder}");
        Console.In.ReadToEnd();
        return 0;
    }

    default:
        Console.Error.WriteLine("usage: MdtShare.Bench mirror SOURCE DESTINATION [--parallelism N] [--compare Timestamp|Content]");
        Console.Error.WriteLine("       MdtShare.Bench manifest SHARE MANIFEST CACHE [--parallelism N]");
        Console.Error.WriteLine("       MdtShare.Bench verify MANIFEST TARGET [--parallelism N]");
        Console.Error.WriteLine("       MdtShare.Bench samba-serve");
        return 2;
}

internal sealed class ConsoleListener : IMirrorListener
{
    /// <summary>MDTSHARE_BENCH_DETAIL_PAUSE_MS=N prints a line per file on standard output and pauses that worker for
    /// N ms: the crash test watches the lines and kills the publish in the middle of its copies, which on a fast
    /// disk would otherwise be over before the kill lands. The benchmark leaves it unset.</summary>
    private static readonly int? DetailPause = int.TryParse(Environment.GetEnvironmentVariable("MDTSHARE_BENCH_DETAIL_PAUSE_MS"), out int ms) ? ms : null;

    public void Report(Diagnostic diagnostic) => Console.Error.WriteLine(diagnostic);

    public void Detail(string message)
    {
        if (DetailPause is { } pause)
        {
            Console.WriteLine(message);
            Thread.Sleep(pause);
        }
    }

    public void Info(string message) => Console.Error.WriteLine(message);

    public void Progress(ProgressLine progress) => Console.Error.WriteLine(progress);
}
