using System.Diagnostics;
using System.Text;
using MdtShare.Build.Diagnostics;
using MdtShare.Build.Manifest;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.Manifest;

public class ShareManifestTests
{
    private const string HashA = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea";
    private const string HashB = "0263829989b6fd954f72baaf2fc64bc2e2f01d692d4de72986ea808f6e99813f";

    [Fact]
    public void FormatIsSha256sumSortedByOrdinalPath_Utf8WithoutBom_LF()
    {
        var manifest = new ShareManifest([new("b/Zürich.txt", 2, HashB), new("B/x", 1, HashA), new("a", 0, HashA)]);

        byte[] bytes = manifest.ToBytes();

        Assert.NotEqual(0xEF, bytes[0]);
        Assert.DoesNotContain((byte)'\r', bytes);
        Assert.Equal(
            ShareManifest.Header + "\n#size 1\n" + HashA + "  B/x\n#size 0\n" + HashA + "  a\n#size 2\n" + HashB + "  b/Zürich.txt\n",
            Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void ParseReadsWhatFormatWrites()
    {
        var manifest = new ShareManifest([new("Control/Bootstrap.ini", 276, HashA), new("Out-of-Box Drivers/Dell/x.inf", 5, HashB)]);
        var errors = new List<Diagnostic>();

        ShareManifest parsed = ShareManifest.Parse(manifest.ToBytes(), "m.sha256", errors);

        Assert.Empty(errors);
        Assert.Equal(manifest.Entries, parsed.Entries);
    }

    [Fact]
    public void PlainSha256sumOutputIsAcceptedWithoutSizes()
    {
        var errors = new List<Diagnostic>();
        ShareManifest parsed = ShareManifest.Parse(Encoding.UTF8.GetBytes($"{HashA.ToUpperInvariant()}  a.txt\r\n{HashB} *b.bin\n"), "m", errors);
        Assert.Empty(errors);
        Assert.Equal([new ManifestEntry("a.txt", -1, HashA), new ManifestEntry("b.bin", -1, HashB)], parsed.Entries);
    }

    [Theory]
    [InlineData(HashA + "  ../outside.txt")]
    [InlineData(HashA + "  Control/../../etc/passwd")]
    [InlineData(HashA + "  /etc/passwd")]
    [InlineData(HashA + "  C:/Windows/win.ini")]
    [InlineData(HashA + "  C:Windows")]
    [InlineData(HashA + "  a//b")]
    [InlineData(HashA + "  ./a")]
    [InlineData(HashA + "  a\\b")]
    [InlineData(HashA + "  a\0b")]
    [InlineData("3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046de  short-hash")]
    [InlineData("gf79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea  bad-hex")]
    [InlineData(HashA + " one-space")]
    [InlineData("\\" + HashA + "  escaped")]
    [InlineData("#size -5\n" + HashA + "  a")]
    [InlineData("#size many\n" + HashA + "  a")]
    [InlineData(HashA + "  dup\n" + HashA + "  dup")]
    [InlineData(HashA + "  Dup\n" + HashA + "  dUP")]
    public void HostileLinesAreCodedErrorsAndTheManifestIsRefused(string text)
    {
        var errors = new List<Diagnostic>();

        ShareManifest.Parse(Encoding.UTF8.GetBytes(text + "\n"), "m.sha256", errors);

        Diagnostic error = Assert.Single(errors);
        Assert.Equal(("MDTS3003", "m.sha256"), (error.Code.Id, error.File));
        Assert.InRange(error.Line, 1, 2);
    }

    [Fact]
    public void OverlongLinesAndNonUtf8AreRefused()
    {
        var errors = new List<Diagnostic>();
        ShareManifest.Parse(Encoding.UTF8.GetBytes(HashA + "  " + new string('a', 9000) + "\n"), "m", errors);
        ShareManifest.Parse([0xFF, 0xFE, 0x41], "m", errors);
        Assert.Equal(["MDTS3003", "MDTS3003"], errors.Select(e => e.Code.Id));
    }

    [Fact]
    public void GnuSha256sumChecksAPublishedTreeWithTheManifest()
    {
        using var temp = new TempDirectory();
        Trees.Write(temp.Path, ("Control/Bootstrap.ini", "[Settings]"), ("Out-of-Box Drivers/Dell 7440/a b.inf", "x"), ("Zürich/ü.txt", "ü"));
        var entries = Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories)
            .Select(p => new ManifestEntry(Path.GetRelativePath(temp.Path, p).Replace('\\', '/'), new FileInfo(p).Length, FileHasher.Hash(p, CancellationToken.None)));
        string manifestPath = Path.Combine(Path.GetTempPath(), $"mdtshare-{Guid.NewGuid():N}.sha256");
        File.WriteAllBytes(manifestPath, new ShareManifest(entries).ToBytes());
        try
        {
            Assert.Equal((0, 3), RunSha256sum(temp.Path, manifestPath));

            File.AppendAllText(Path.Combine(temp.Path, "Control", "Bootstrap.ini"), "!");
            Assert.Equal((1, 2), RunSha256sum(temp.Path, manifestPath));
        }
        finally
        {
            File.Delete(manifestPath);
        }
    }

    private static (int ExitCode, int Ok) RunSha256sum(string directory, string manifest)
    {
        var start = new ProcessStartInfo("sha256sum", ["-c", "--strict", manifest]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Split('\n').Count(l => l.EndsWith(": OK", StringComparison.Ordinal)));
    }
}
