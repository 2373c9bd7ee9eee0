using System.Text;
using MdtShare.Build.BootPaths;

namespace MdtShare.Build.Tests.BootPaths;

public sealed class WdsReplaceScriptTests
{
    private static readonly WdsBootImage X64 = new("wds01.corp.contoso.com", "Lite Touch Windows PE (x64)", "x64",
        @"\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim", @"\\MDTCLUSTER\Distribution$", string.Empty);

    private static string Render(params WdsBootImage[] images) => Encoding.ASCII.GetString(WdsReplaceScript.Render(images));

    /// <summary>Microsoft's syntax for boot images, in its order; each wdsutil line is followed by its error check,
    /// and the script exits 1 when any failed.</summary>
    [Fact]
    public void OneWdsutilLinePerServerAndImage_InMicrosoftsOrder_EachFollowedByItsErrorCheck()
    {
        string script = Render(X64, X64 with { Server = "wds02.corp.contoso.com" },
            X64 with { ImageName = "Lite Touch Windows PE (x86)", Architecture = "x86", ImageFile = @"\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x86.wim" });

        Assert.Equal(
            "@echo off\r\n" +
            "rem Written by MdtShare.Build from the project's WdsServer items. After publishing, run it on a Windows machine\r\n" +
            "rem with the WDS tools: it replaces each WDS server's copy of the boot image with the published one.\r\n" +
            "setlocal EnableExtensions DisableDelayedExpansion\r\n" +
            "set \"ERRORLEVEL=\"\r\n" +
            "set MDTSHARE_FAILED=0\r\n" +
            "\r\n" +
            "wdsutil /Replace-Image /Image:\"Lite Touch Windows PE (x64)\" /Server:\"wds01.corp.contoso.com\" /ImageType:Boot /Architecture:x64 /ReplacementImage /ImageFile:\"\\\\MDTCLUSTER\\Distribution$\\Boot\\LiteTouchPE_x64.wim\"\r\n" +
            "if %ERRORLEVEL% neq 0 set /a MDTSHARE_FAILED+=1\r\n" +
            "\r\n" +
            "wdsutil /Replace-Image /Image:\"Lite Touch Windows PE (x64)\" /Server:\"wds02.corp.contoso.com\" /ImageType:Boot /Architecture:x64 /ReplacementImage /ImageFile:\"\\\\MDTCLUSTER\\Distribution$\\Boot\\LiteTouchPE_x64.wim\"\r\n" +
            "if %ERRORLEVEL% neq 0 set /a MDTSHARE_FAILED+=1\r\n" +
            "\r\n" +
            "wdsutil /Replace-Image /Image:\"Lite Touch Windows PE (x86)\" /Server:\"wds01.corp.contoso.com\" /ImageType:Boot /Architecture:x86 /ReplacementImage /ImageFile:\"\\\\MDTCLUSTER\\Distribution$\\Boot\\LiteTouchPE_x86.wim\"\r\n" +
            "if %ERRORLEVEL% neq 0 set /a MDTSHARE_FAILED+=1\r\n" +
            "\r\n" +
            "if %MDTSHARE_FAILED% neq 0 echo Failed wdsutil commands: %MDTSHARE_FAILED%, see their messages above.\r\n" +
            "if %MDTSHARE_FAILED% neq 0 exit /b 1\r\n" +
            "exit /b 0\r\n",
            script);
    }

    /// <summary>Inside quotes cmd leaves &amp; | &lt; &gt; ^ and parentheses alone; % still expands there, so it is doubled.</summary>
    [Fact]
    public void PercentIsDoubled_AndCmdMetacharactersStayInsideTheQuotes()
    {
        string script = Render(X64 with { ImageName = "Lite Touch 100% & <Stockholm> | ^R&D^ (x64)", ImageFile = @"\\MDTCLUSTER\Dist%TEMP%$\Boot\LiteTouchPE_x64.wim" });

        Assert.Contains(" /Image:\"Lite Touch 100%% & <Stockholm> | ^R&D^ (x64)\" /Server:", script);
        Assert.Contains(" /ImageFile:\"\\\\MDTCLUSTER\\Dist%%TEMP%%$\\Boot\\LiteTouchPE_x64.wim\"\r\n", script);
    }

    /// <summary>The one text both the script's line and the task give wdsutil; the script only doubles % for cmd.</summary>
    [Fact]
    public void TheCommandLineIsTheScriptsLine_WithoutCmdsPercentDoubling()
    {
        WdsBootImage image = X64 with { ImageName = "Lite Touch 100% (x64)" };

        Assert.Equal(@"/Replace-Image /Image:""Lite Touch 100% (x64)"" /Server:""wds01.corp.contoso.com"" /ImageType:Boot /Architecture:x64 /ReplacementImage " +
            @"/ImageFile:""\\MDTCLUSTER\Distribution$\Boot\LiteTouchPE_x64.wim""", WdsReplaceScript.CommandLine(image));
        Assert.Contains("\r\nwdsutil " + WdsReplaceScript.CommandLine(image).Replace("%", "%%") + "\r\n", Render(image));
    }

    [Theory]
    [InlineData("Lite Touch \"Stockholm\" (x64)", "a double quote")]
    [InlineData("Lite Touch Windows PE (x64)\r\ndel /q C:\\*", "a control character")]
    [InlineData("Lite Touch Windows PE (x64) – Malmö", "a character outside ASCII")]
    [InlineData("Lite Touch Windows PE (x64)\\", "a trailing backslash")]
    public void ANameACmdLineCannotCarryUnchangedIsMDTS4012(string imageName, string why)
    {
        var problem = WdsReplaceScript.Unsafe(X64 with { ImageName = imageName });

        Assert.Equal("MDTS4012", problem?.Code.Id);
        Assert.Contains($"holds {why}, which wds-replace.cmd cannot pass to wdsutil unchanged", problem!.Message);
        Assert.DoesNotContain('\n', problem.Message);
    }

    [Fact]
    public void SpacesParenthesesAndCmdMetacharactersAreSafe()
    {
        Assert.Null(WdsReplaceScript.Unsafe(X64 with { ImageName = "Lite Touch 100% & <Stockholm> | ^R&D^ (x64)!" }));
    }
}
