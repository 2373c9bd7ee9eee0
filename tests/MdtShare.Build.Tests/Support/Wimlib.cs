using System.Diagnostics;
using MdtShare.Build.BootImage;

namespace MdtShare.Build.Tests.Support;

/// <summary>
/// The real wimlib-imagex for boot-image tests. CI installs it (.ci/run), and there a missing tool fails the test;
/// on a developer machine without it the tests are skipped with a message naming the package.
/// </summary>
public static class Wimlib
{
    public static WimlibImagex Require()
    {
        WimlibImagex? tool = WimlibImagex.Find(null, Environment.GetEnvironmentVariable("PATH"));
        if (tool is null && Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException("wimlib-imagex is missing on a CI machine; .ci/run must install wimtools.");
        }

        Skip.If(tool is null, "wimlib-imagex not found: install the Debian package wimtools to run the boot-image tests.");
        return tool!;
    }

    /// <summary>Captures a folder into a bootable WIM, as MDT's boot images are.</summary>
    public static void Capture(string tree, string wim, string compression = "LZX", string name = "Lite Touch Windows PE (x64)") =>
        Run("capture", tree, wim, name, $"--compress={compression}", "--boot");

    public static void Append(string tree, string wim, string name, bool boot) =>
        Run(["append", tree, wim, name, .. boot ? new[] { "--boot" } : []]);

    /// <summary>Extracts a whole image into a folder.</summary>
    public static void Apply(string wim, int image, string folder) => Run("apply", wim, image.ToString(), folder);

    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("wimlib-imagex") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"wimlib-imagex {string.Join(' ', arguments)} failed: {output}");
    }
}
