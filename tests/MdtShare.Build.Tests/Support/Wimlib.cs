using System.Diagnostics;
using MdtShare.Build.BootImage;

namespace MdtShare.Build.Tests.Support;

/// <summary>
/// The real wimlib-imagex and xorriso for boot-image tests. CI installs them (.ci/run), and there a missing tool
/// fails the test; on a developer machine without them the tests are skipped with a message naming the package.
/// </summary>
internal static class Wimlib
{
    public static WimlibImagex Require() => new(RequireTool(WimlibImagex.Find(null, Path())?.Name, "wimlib-imagex", "wimtools"));

    public static string RequireXorriso() => RequireTool(IsoRebuilder.Find(null, Path()), "xorriso", "xorriso");

    /// <summary>Captures a folder into a bootable WIM, as MDT's boot images are.</summary>
    public static void Capture(string tree, string wim, string compression = "LZX", string name = "Lite Touch Windows PE (x64)") =>
        Run("capture", tree, wim, name, $"--compress={compression}", "--boot");

    /// <summary>A LiteTouch boot image whose only file is the given Deploy\Scripts\Bootstrap.ini.</summary>
    public static void CaptureLiteTouch(string bootstrapIni, string wim)
    {
        string tree = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mdtshare-pe-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(System.IO.Path.Combine(tree, "Deploy", "Scripts"));
            File.WriteAllText(System.IO.Path.Combine(tree, "Deploy", "Scripts", "Bootstrap.ini"), bootstrapIni);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(wim)!);
            Capture(tree, wim);
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }

    public static void Append(string tree, string wim, string name, bool boot) =>
        Run(["append", tree, wim, name, .. boot ? new[] { "--boot" } : []]);

    /// <summary>Extracts a whole image into a folder.</summary>
    public static void Apply(string wim, int image, string folder) => Run("apply", wim, image.ToString(), folder);

    public static string Run(params string[] arguments) => Tool("wimlib-imagex", arguments);

    public static string Xorriso(params string[] arguments) => Tool("xorriso", arguments);

    private static string? Path() => Environment.GetEnvironmentVariable("PATH");

    private static string RequireTool(string? found, string tool, string package)
    {
        if (found is null && Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException($"{tool} is missing on a CI machine; .ci/run must install {package}.");
        }

        Skip.If(found is null, $"{tool} not found: install the Debian package {package} to run the boot-image tests.");
        return found!;
    }

    private static string Tool(string tool, string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} failed: {output}{errors.Result}");
        return output;
    }
}
