using System.Text;
using MdtShare.Build.Diagnostics;

namespace MdtShare.Build.BootPaths;

/// <summary>
/// <c>wds-replace.cmd</c>: one <c>wdsutil /Replace-Image</c> per WDS server and boot image, each followed by its
/// error check, so that the script exits 1 when any replacement failed. The same command line is what
/// <see cref="WdsReplacer"/> runs.
/// </summary>
internal static class WdsReplaceScript
{
    public const string FileName = "wds-replace.cmd";

    /// <summary>
    /// wdsutil's command line after its name, in the order of Microsoft's syntax for boot images (learn.microsoft.com,
    /// "wdsutil replace-image"): /Image /Server /ImageType /Architecture /ReplacementImage /ImageFile. The script's
    /// line and <see cref="WdsReplacer"/> give wdsutil this very text (the script with % doubled for cmd), so both
    /// reach it alike whatever its own parsing does. Values are quoted after the colon, as Microsoft writes them; cmd
    /// leaves &amp; | &lt; &gt; ^ ( ) inside the quotes alone.
    /// </summary>
    public static string CommandLine(WdsBootImage image) =>
        $"/Replace-Image /Image:{Quote(image.ImageName)} /Server:{Quote(image.Server)} /ImageType:Boot /Architecture:{image.Architecture} " +
        $"/ReplacementImage /ImageFile:{Quote(image.ImageFile)}";

    /// <summary>The script, CRLF and ASCII as cmd reads it.</summary>
    public static byte[] Render(IEnumerable<WdsBootImage> images)
    {
        var script = new StringBuilder()
            .Append("@echo off\r\n")
            .Append("rem Written by MdtShare.Build from the project's WdsServer items. After publishing, run it on a Windows machine\r\n")
            .Append("rem with the WDS tools: it replaces each WDS server's copy of the boot image with the published one.\r\n")
            .Append("setlocal EnableExtensions DisableDelayedExpansion\r\n")
            // %ERRORLEVEL% reads a variable of that name when one is set, and then no failure would be counted.
            .Append("set \"ERRORLEVEL=\"\r\n")
            .Append("set MDTSHARE_FAILED=0\r\n");
        foreach (WdsBootImage image in images)
        {
            // Only % still expands inside quotes, so it is doubled. wdsutil's failures are HRESULTs, negative as exit
            // codes, which "if errorlevel 1" would miss.
            script.Append("\r\nwdsutil ").Append(CommandLine(image).Replace("%", "%%")).Append("\r\n")
                .Append("if %ERRORLEVEL% neq 0 set /a MDTSHARE_FAILED+=1\r\n");
        }

        // The message holds no parentheses or semicolons: after an if, cmd (Wine's at least) reads them as syntax.
        script.Append("\r\nif %MDTSHARE_FAILED% neq 0 echo Failed wdsutil commands: %MDTSHARE_FAILED%, see their messages above.\r\n")
            .Append("if %MDTSHARE_FAILED% neq 0 exit /b 1\r\n")
            .Append("exit /b 0\r\n");
        return Encoding.ASCII.GetBytes(script.ToString());
    }

    /// <summary>
    /// MDTS4012 when a value of the image cannot be written into a .cmd line that gives wdsutil exactly that value:
    /// a double quote (it would end the quoting and expose the rest to cmd), a control character (a line break
    /// would end the command), a character outside ASCII (cmd reads a script in the console's code page, so it may
    /// arrive changed), or a trailing backslash (it would escape the closing quote for wdsutil).
    /// </summary>
    public static Diagnostic? Unsafe(WdsBootImage image)
    {
        foreach (var (name, value) in new[] { ("server name", image.Server), ("ImageName", image.ImageName), ("image file", image.ImageFile) })
        {
            string? why = value.IndexOf('"') >= 0 ? "a double quote"
                : value.Any(c => c < ' ' || c == '\x7f') ? "a control character"
                : value.Any(c => c > '\x7e') ? "a character outside ASCII"
                : value.EndsWith("\\", StringComparison.Ordinal) ? "a trailing backslash"
                : null;
            if (why is not null)
            {
                return new Diagnostic(DiagnosticCode.WdsNameUnsafe,
                    $"WdsServer '{Printable(image.Server)}': the {name} '{Printable(value)}' holds {why}, which {FileName} cannot pass to wdsutil unchanged; " +
                    "rename the image in WDS (or fix the item) to plain ASCII without quotes.");
            }
        }

        return null;
    }

    /// <summary>A value as a one-line message can show it.</summary>
    private static string Printable(string value) => new(value.Select(c => c < ' ' || c == '\x7f' ? '?' : c).ToArray());

    private static string Quote(string value) => "\"" + value + "\"";
}
