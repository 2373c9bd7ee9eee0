using System.Reflection;

namespace MdtShare.Build.EndToEndTests;

/// <summary>The benchmark runner (bench/run.sh) at a tiny scale: it works from a clone and prints every scenario. Its
/// figures mean nothing; performance is measured by the full run, never by tests.</summary>
// In the package collection: its Release build of the tasks must not overlap the fixture's pack of the same project.
[Collection(PackageCollection.Name)]
public sealed class BenchmarkSmokeTests
{
    private static readonly string[] Tools = ["python3", "rsync", "openssl", "/usr/bin/time"];

    [SkippableFact]
    public void TheRunnerPrintsEveryScenarioWithItsRatio()
    {
        string[] missing = Tools.Where(t => !Exists(t)).ToArray();
        if (missing.Length > 0 && Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException($"The benchmark smoke run needs {string.Join(", ", missing)}; .ci/run must install them.");
        }

        Skip.If(missing.Length > 0, $"benchmark smoke run skipped: {string.Join(", ", missing)} not found (apt-get install rsync time).");
        string repository = typeof(BenchmarkSmokeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;
        string work = Directory.CreateTempSubdirectory("mdtshare-bench-smoke-").FullName;
        try
        {
            ProcessResult result = DotNet.RunTool("bash", repository, "bench/run.sh", "--smoke", "--work", work);

            Assert.True(result.ExitCode == 0, result.ToString());
            foreach (string scenario in new[]
            {
                "cold-ours", "cold-sha256sum-x2", "cold-openssl-x2", "warm-ours", "noop-rsync", "verify-ours", "verify-sha256sum-c",
                "full-cp", "full-rsync", "full-ours", "full-engine", "sites3-cp", "sites3-rsync", "sites3-engine",
                "noop-ours", "noop-engine", "mutated-rsync", "mutated-ours", "mutated-engine",
                "full-versions", "full-inplace", "noop-versions", "noop-inplace",
            })
            {
                Assert.Matches($@"(?m)^{scenario} +\d+\.\d\d +\d+\.\d\dx +\d+$", result.Output);
            }

            Assert.Matches(@"share-0\.01 +\d+ +[\d.]+ +[\d.]+", result.Output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static bool Exists(string tool) =>
        tool.StartsWith('/') ? File.Exists(tool) : (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(p => File.Exists(Path.Combine(p, tool)));
}
