using System.Diagnostics;
using System.Security.Cryptography;
using MdtShare.Build.Tests.Shared;

namespace MdtShare.Build.EndToEndTests;

/// <summary>
/// A publishing process killed with SIGKILL at random points (the engine in bench/MdtShare.Bench, as a child
/// process). While it runs, an observer reads every file under its final name on the target: each must be the old
/// or the new version, never a mix. After each kill, the next publish breaks the dead publisher's lock, sweeps its
/// temp files and converges. CI: 5 kills; MDTSHARE_LONG=1: 50 (docs/reliability.md).
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class CrashConsistencyTests(PackageFixture package) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("mdtshare-crash-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task APublisherKilledAtAnyPointTearsNothing_AndTheNextPublishConverges()
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
            var old = SyntheticShare.Hashes(target);
            SyntheticShare.Change(source, 0.5, seed: 100 + kill);
            var wanted = SyntheticShare.Hashes(source);

            using Process child = Start(engine, source, target);
            using var stop = new CancellationTokenSource();
            Task<int> observer = Task.Run(() => Observe(target, old, wanted, stop.Token));
            await Task.Delay(random.Next(300, 1500));
            child.Kill();
            await child.WaitForExitAsync();
            stop.Cancel();
            observedReads += await observer;
            Observe(target, old, wanted, new CancellationToken(canceled: true));  // one more pass, after the kill

            ProcessResult rerun = Mirror(engine, source, target);
            Assert.True(rerun.ExitCode == 0, rerun.ToString());
            Assert.Equal(wanted, SyntheticShare.Hashes(target));
        }

        Assert.True(observedReads > 0, "the observer never read a file while a publish ran");
    }

    /// <summary>Reads every final-name file, again and again until stopped (at least once); returns how many it checked.</summary>
    private static int Observe(string target, Dictionary<string, string> old, Dictionary<string, string> wanted, CancellationToken stop)
    {
        int checkedFiles = 0;
        do
        {
            foreach (string file in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(target, file).Replace('\\', '/');
                if (Path.GetFileName(file).StartsWith(".", StringComparison.Ordinal))
                {
                    continue; // temp files, the lock and the ownership marker
                }

                string hash;
                try
                {
                    hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
                }
                catch (FileNotFoundException)
                {
                    continue; // replaced or deleted between listing and reading
                }

                Assert.True((old.TryGetValue(relative, out string? before) && before == hash) || (wanted.TryGetValue(relative, out string? after) && after == hash),
                    $"{relative} under its final name is neither its old nor its new version");
                checkedFiles++;
            }
        }
        while (!stop.IsCancellationRequested);
        return checkedFiles;
    }

    private string BuildEngine()
    {
        string project = Path.Combine(package.RepositoryRoot, "bench", "MdtShare.Bench");
        ProcessResult build = DotNet.Run(package.RepositoryRoot, new Dictionary<string, string?>(), "build", project, "-c", "Release", "-o", Path.Combine(_work, "engine"), "-nologo", "-v:q");
        Assert.True(build.ExitCode == 0, build.ToString());
        return Path.Combine(_work, "engine", "MdtShare.Bench.dll");
    }

    private static Process Start(string engine, string source, string target)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in new[] { engine, "mirror", source, target })
        {
            start.ArgumentList.Add(argument);
        }

        Process child = Process.Start(start)!;
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    private ProcessResult Mirror(string engine, string source, string target) =>
        DotNet.Run(_work, new Dictionary<string, string?>(), engine, "mirror", source, target);
}
