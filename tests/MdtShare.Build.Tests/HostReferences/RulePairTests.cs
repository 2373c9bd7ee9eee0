using MdtShare.Build.Tasks;
using MdtShare.Build.Tests.Support;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace MdtShare.Build.Tests.HostReferences;

/// <summary>
/// Bootstrap.ini / CustomSettings.ini pairs in the shapes real shares have, each in Pairs/&lt;name&gt;/: a share/
/// tree, case.txt (the project's settings and every finding expected, as "CODE File(line,col)"), and optionally
/// CustomSettings.expected.ini and Bootstrap.expected.ini (the exact published bytes; without one, the build must
/// publish the share's own file) and clients.txt (the client table). Both tasks run as the build runs them.
/// </summary>
public sealed class RulePairTests : IDisposable
{
    private static readonly string PairsFolder = Path.Combine(Repository.Root, "tests", "MdtShare.Build.Tests", "HostReferences", "Pairs");

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Pairs() => new(Directory.EnumerateDirectories(PairsFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);

    [Fact]
    public void ThereAreAtLeastThirtyPairs() => Assert.True(Pairs().Count >= 30, $"{Pairs().Count} pairs");

    [Theory]
    [MemberData(nameof(Pairs))]
    public void FindingsAndPublishedBytesAreExactlyAsExpected(string pair)
    {
        string folder = Path.Combine(PairsFolder, pair);
        string share = _temp.Combine("share");
        CopyTree(Path.Combine(folder, "share"), share);
        var settings = File.ReadAllLines(Path.Combine(folder, "case.txt")).Where(l => l.Length > 0 && l[0] != '#').ToList();
        string Setting(string name) => settings.Where(l => l.StartsWith(name + "=", StringComparison.Ordinal)).Select(l => l.Substring(name.Length + 1)).FirstOrDefault() ?? string.Empty;
        IEnumerable<string> All(string name) => settings.Where(l => l.StartsWith(name + "=", StringComparison.Ordinal)).Select(l => l.Substring(name.Length + 1));

        var engine = new FakeBuildEngine(_temp.Combine("deploymentshare.proj"));
        string overlay = _temp.Combine("bin", "overlay");
        var patch = new PatchBootstrapIni
        {
            BuildEngine = engine,
            DeploymentShare = share,
            OverlayDirectory = overlay,
            DeployRoot = Setting("DeployRoot"),
            Settings = All("Setting").Select(s => s.Split('|')).Select(p => Item(p[0], ("Section", p[1]), ("Value", p[2]))).ToArray(),
        };
        var report = new ReportHostReferences
        {
            BuildEngine = engine,
            DeploymentShare = share,
            OverlayDirectory = overlay,
            DeployRoot = Setting("DeployRoot"),
            RewriteHostReferences = Setting("Rewrite") == "true",
            HostReferenceMaps = All("Map").Select(m => m.Split([" => "], StringSplitOptions.None)).Select(m => Item(m[0], ("To", m[1]))).ToArray(),
            MdtServerAliases = string.Join(";", All("Alias")),
        };

        Assert.True(patch.Execute(), string.Join("\n", engine.Errors.Select(e => e.Message)));
        Assert.True(report.Execute(), string.Join("\n", engine.Errors.Select(e => e.Message)));

        var expected = settings.Where(l => l.StartsWith("MDTS", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var found = engine.Warnings.Select(w => $"{w.Code} {Path.GetFileName(w.File)}({w.LineNumber},{w.ColumnNumber})").Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(found),
            $"expected:\n{string.Join("\n", expected)}\nfound:\n{string.Join("\n", engine.Warnings.Select(w => $"{w.Code} {Path.GetFileName(w.File)}({w.LineNumber},{w.ColumnNumber}): {w.Message}"))}");

        AssertPublished(folder, share, overlay, "CustomSettings");
        AssertPublished(folder, share, overlay, "Bootstrap");
        if (File.Exists(Path.Combine(folder, "clients.txt")))
        {
            var clients = report.ClientOutcomes.Select(c =>
                $"{c.ItemSpec} | {c.GetMetadata("DeployRoot")} | {c.GetMetadata("SLShare")} | {c.GetMetadata("BackupShare")} | {c.GetMetadata("EventService")}");
            Assert.Equal(File.ReadAllLines(Path.Combine(folder, "clients.txt")).Where(l => l.Length > 0 && l[0] != '#'), clients);
        }
    }

    /// <summary>The published file is the expected one byte for byte, or, without one, the overlay holds none.</summary>
    private static void AssertPublished(string folder, string share, string overlay, string name)
    {
        string? source = Directory.EnumerateFiles(share, "*", SearchOption.AllDirectories)
            .FirstOrDefault(f => string.Equals(Path.GetFileName(f), name + ".ini", StringComparison.OrdinalIgnoreCase));
        string? published = source is null ? null : Path.Combine(overlay, Path.GetRelativePath(share, source));
        string expected = Path.Combine(folder, name + ".expected.ini");
        if (File.Exists(expected))
        {
            Assert.True(published is not null && File.Exists(published), $"no published {name}.ini in the overlay");
            Assert.Equal(File.ReadAllText(expected), File.ReadAllText(published!));
            Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(published!));
        }
        else if (name == "CustomSettings")
        {
            Assert.False(published is not null && File.Exists(published), $"{published} was written, but the pair expects the share's own file");
        }
    }

    private static ITaskItem Item(string spec, params (string Name, string Value)[] metadata)
    {
        var item = new TaskItem(spec);
        foreach (var (name, value) in metadata)
        {
            item.SetMetadata(name, value);
        }

        return item;
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
