using MdtShare.Build.BootPaths;
using MdtShare.Build.Tests.Support;

namespace MdtShare.Build.Tests.BootPaths;

/// <summary>
/// wdsutil exists only on Windows, so these run <see cref="WdsReplacer"/> against a small shell script standing in
/// for it, which records the arguments it was given and answers as wdsutil does. This is the one seam of the WDS
/// work: the engine is given wdsutil's path. Nothing here shows what the real wdsutil does with the arguments.
/// </summary>
public sealed class WdsReplacerTests : IDisposable
{
    private static readonly WdsBootImage X64 = new("wds01.corp.contoso.com", "Lite Touch Windows PE (x64)", "x64",
        @"\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim", @"\\MDTCLUSTER\Distribution$", string.Empty);

    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildListener _listener = new();

    public void Dispose() => _temp.Dispose();

    private string Record => _temp.Combine("arguments.txt");

    /// <summary>Each call's arguments, one a line, then a blank line; wds02 answers as wdsutil does when the image is not there.</summary>
    private string FakeWdsutil()
    {
        Skip.If(OperatingSystem.IsWindows(), "the stand-in for wdsutil is a shell script");
        string script = _temp.WriteFile("wdsutil", $$"""
            #!/bin/sh
            for argument in "$@"; do printf '%s\n' "$argument" >> '{{Record}}'; done
            echo >> '{{Record}}'
            case "$3" in
              /Server:wds02.corp.contoso.com)
                echo "Windows Deployment Services Management Utility [Version 10.0.20348.1]"
                echo "An error occurred while trying to execute the command."
                echo "Error Code: 0xC1030104"
                echo "Error Description: The specified image was not found." >&2
                exit 255 ;;
            esac
            echo "The command completed successfully."
            """.Replace("\r\n", "\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return script;
    }

    /// <summary>What the stand-in records for the image X64 under another name: each value as one argument.</summary>
    private static string Arguments(string imageName) =>
        $"/Replace-Image\n/Image:{imageName}\n/Server:wds01.corp.contoso.com\n/ImageType:Boot\n/Architecture:x64\n/ReplacementImage\n/ImageFile:{X64.ImageFile}\n\n";

    private int Replace(string wdsutil, params WdsBootImage[] images) =>
        new WdsReplacer(wdsutil, TimeSpan.FromMinutes(1), _listener, CancellationToken.None).Replace(images);

    [SkippableFact]
    public void WdsutilRunsOncePerServerAndImage_EachValueArrivingAsOneArgument()
    {
        string wdsutil = FakeWdsutil();

        int replaced = Replace(wdsutil, X64, X64 with { ImageName = "Lite Touch 100% & <Stockholm> (x64)" });

        Assert.Equal(2, replaced);
        Assert.Equal(Arguments("Lite Touch Windows PE (x64)") + Arguments("Lite Touch 100% & <Stockholm> (x64)"), File.ReadAllText(Record));
        Assert.Empty(_listener.Diagnostics);
        Assert.Equal(@"wdsutil replaced 'Lite Touch Windows PE (x64)' (x64) on wds01.corp.contoso.com with \\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim: The command completed successfully.",
            _listener.Details[0]);
    }

    /// <summary>A wdsutil that cannot be started cannot replace any image: said once, as wdsutil not found.</summary>
    [Fact]
    public void AWdsutilThatCannotBeStartedIsMDTS4014_NotAnInternalError()
    {
        string missing = _temp.Combine("no such folder", "wdsutil.exe");

        int replaced = Replace(missing, X64, X64 with { Server = "wds02.corp.contoso.com" });

        Assert.Equal(0, replaced);
        var error = Assert.Single(_listener.Diagnostics);
        Assert.Equal("MDTS4014", error.Code.Id);
        Assert.StartsWith($"wdsutil could not be started ({missing}: ", error.Message);
    }

    [SkippableFact]
    public void AFailureIsMDTS4015WithWdsutilsOwnOutput_AndTheOtherServersAreStillReplaced()
    {
        string wdsutil = FakeWdsutil();

        int replaced = Replace(wdsutil, X64 with { Server = "wds02.corp.contoso.com" }, X64);

        Assert.Equal(1, replaced);
        var error = Assert.Single(_listener.Diagnostics);
        Assert.Equal("MDTS4015", error.Code.Id);
        Assert.Equal(@"wdsutil could not replace 'Lite Touch Windows PE (x64)' (x64) on wds02.corp.contoso.com with \\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim (exit code 255): " +
            "Windows Deployment Services Management Utility [Version 10.0.20348.1] An error occurred while trying to execute the command. Error Code: 0xC1030104 " +
            "Error Description: The specified image was not found.", error.Message);
        Assert.Equal(2, File.ReadAllText(Record).Split("/Replace-Image").Length - 1);
    }
}
