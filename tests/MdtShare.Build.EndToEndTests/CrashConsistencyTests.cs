using System.Diagnostics;
using System.Security.Cryptography;
using MdtShare.Build.Tests.Shared;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// A publishing process killed with SIGKILL in the middle of its copies (the engine in bench/MdtShare.Bench, as a
/// child process that names each file it copies; the kill comes after a random one of them). While it runs, an observer
/// reads every file under its final name on the target: each must be the old or the new version, never a mix, and
/// no name the target held before may ever be missing (deletes run last; here the share only changes files). At the
/// kill the child died by the signal, its lock is left behind, and the target is neither the old tree nor the new.
/// The next publish breaks the dead publisher's lock, sweeps its temp files and converges. CI: 5 kills;
/// MDTSHARE_LONG=1: 50 (docs/reliability.md).
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class CrashConsistencyTests(PackageFixture package) : IDisposable
{
    private const int KilledBySigkill = 128 + 9;

    private readonly string _work = Directory.CreateTempSubdirectory("mdtshare-crash-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task APublisherKilledMidCopyTearsNothing_LosesNoName_AndTheNextPublishConverges()
    {
        int kills = Environment.GetEnvironmentVariable("MDTSHARE_LONG") == "1" ? 50 : 5;
        string engine = BuildEngine();
        string source = Path.Combine(_work, "share");
        string target = Path.Combine(_work, "cluster");
        SyntheticShare.Create(source, files: 300, bytes: 80L << 20, seed: 21);
        Assert.Equal(0, Mirror(engine, source, target).ExitCode);
        var random = new Random(22);
        int observedReads = 0;
        for (int kill = 0; kill < kills; kill++)
        {
            var old = FinalNames(target);
            SyntheticShare.Change(source, 0.5, seed: 100 + kill);
            var wanted = SyntheticShare.Hashes(source);

            // Killed right after a random one of the first 60 of its ~150 copies: always in the middle of them.
            // The kill is sent from the thread that reads the child's lines, the moment the line arrives.
            int killAfter = random.Next(1, 61), copied = 0;
            using Process child = Start(engine, source, target, (process, line) =>
            {
                if (line.StartsWith("Updated ", StringComparison.Ordinal) && Interlocked.Increment(ref copied) == killAfter)
                {
                    process.Kill();
                }
            });
            using var stop = new CancellationTokenSource();
            Task<int> observer = Task.Run(() => Observe(target, old, wanted, stop.Token));
            await child.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            stop.Cancel();
            observedReads += await observer.WaitAsync(TimeSpan.FromSeconds(60));
            Observe(target, old, wanted, new CancellationToken(canceled: true));  // one more pass, after the kill

            Assert.True(child.ExitCode == KilledBySigkill, $"kill {kill}: the child ended with {child.ExitCode} after {copied} copies (killed after {killAfter})");
            Assert.True(File.Exists(Path.Combine(target, ".mdtshare-publish.lock")), "the killed publisher's lock is left behind");
            var atKill = FinalNames(target);
            Assert.True(!Same(atKill, old) && !Same(atKill, wanted), $"kill {kill}: the target was the old or the new tree at the kill, not in between");

            ProcessResult rerun = Mirror(engine, source, target);
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            Assert.Equal(wanted, FinalNames(target));
        }

        Assert.True(observedReads > 0, "the observer never read a file while a publish ran");
    }

    /// <summary>Reads every final-name file, again and again until stopped (at least once); returns how many it checked.</summary>
    private static int Observe(string target, Dictionary<string, string> old, Dictionary<string, string> wanted, CancellationToken stop)
    {
        int checkedFiles = 0;
        do
        {
            foreach (string relative in old.Keys)
            {
                string hash;
                try
                {
                    hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(target, relative))));
                }
                catch (FileNotFoundException)
                {
                    Assert.Fail($"{relative} went missing under its final name during the publish");
                    throw;
                }

                Assert.True(old[relative] == hash || (wanted.TryGetValue(relative, out string? after) && after == hash),
                    $"{relative} under its final name is neither its old nor its new version");
                checkedFiles++;
            }
        }
        while (!stop.IsCancellationRequested);
        return checkedFiles;
    }

    /// <summary>The target's files under their final names (no temp file, lock or marker).</summary>
    private static Dictionary<string, string> FinalNames(string target) =>
        SyntheticShare.Hashes(target).Where(f => !Path.GetFileName(f.Key).StartsWith('.')).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(entry => b.TryGetValue(entry.Key, out string? other) && other == entry.Value);

    private string BuildEngine()
    {
        string project = Path.Combine(package.RepositoryRoot, "bench", "MdtShare.Bench");
        ProcessResult build = DotNet.Run(package.RepositoryRoot, new Dictionary<string, string?>(), "build", project, "-c", "Release", "-o", Path.Combine(_work, "engine"), "-nologo", "-v:q");
        Assert.True(build.ExitCode == 0, build.ToString());
        return Path.Combine(_work, "engine", "MdtShare.Bench.dll");
    }

    /// <summary>The engine as a child process, saying each file it copies (<paramref name="onLine"/>, called on a
    /// thread of its own, so that a busy thread pool cannot delay it), and pausing 5 ms after each, so that ~150
    /// copies last longer than the kill takes to land.</summary>
    private static Process Start(string engine, string source, string target, Action<Process, string> onLine)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { engine, "mirror", source, target })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MDTSHARE_BENCH_DETAIL_PAUSE_MS"] = "5";
        Process child = Process.Start(start)!;
        child.BeginErrorReadLine();
        new Thread(() =>
        {
            for (string? line; (line = child.StandardOutput.ReadLine()) is not null;)
            {
                onLine(child, line);
            }
        }) { IsBackground = true }.Start();
        return child;
    }

    private ProcessResult Mirror(string engine, string source, string target) =>
        DotNet.Run(_work, new Dictionary<string, string?>(), engine, "mirror", source, target);
}
