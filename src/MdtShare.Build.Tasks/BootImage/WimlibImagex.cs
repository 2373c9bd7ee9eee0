using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace MdtShare.Build.BootImage;

/// <summary><c>wimlib-imagex</c> (Debian package wimtools; a Windows build exists), run as a child process.</summary>
public sealed class WimlibImagex(string executable) : IBootImageTool
{
    // wimlib's WIMLIB_ERR_PATH_DOES_NOT_EXIST, the exit code of `extract` for a missing path.
    private const int PathDoesNotExist = 49;

    public string Name => executable;

    /// <summary>The tool from an explicit path, else from PATH; null when there is none.</summary>
    public static WimlibImagex? Find(string? configuredPath, string? pathVariable)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return File.Exists(configuredPath) ? new WimlibImagex(configuredPath!) : null;
        }

        string[] names = Path.DirectorySeparatorChar == '\\' ? ["wimlib-imagex.exe", "wimlib-imagex.cmd"] : ["wimlib-imagex"];
        return (pathVariable ?? string.Empty).Split(Path.PathSeparator)
            .Where(d => d.Length > 0)
            .SelectMany(d => names.Select(n => Path.Combine(d, n)))
            .Where(File.Exists)
            .Select(p => new WimlibImagex(p))
            .FirstOrDefault();
    }

    public WimInfo Info(string wim)
    {
        string output = Encoding.UTF8.GetString(Run(["info", wim], out int exit, out string errors));
        if (exit != 0)
        {
            throw new BootImageToolException(errors);
        }

        int Field(string name) =>
            Regex.Match(output, $@"^{name}:\s+(\d+)\s*$", RegexOptions.Multiline) is { Success: true } m ? int.Parse(m.Groups[1].Value) : 0;
        return new WimInfo(Field("Image Count"), Field("Boot Index"));
    }

    public byte[]? ReadFile(string wim, int image, string pathInImage)
    {
        byte[] bytes = Run(["extract", wim, image.ToString(), pathInImage, "--to-stdout", "--no-acls"], out int exit, out string errors);
        return exit == 0 ? bytes : exit == PathDoesNotExist ? null : throw new BootImageToolException(errors);
    }

    public void ReplaceFile(string wim, int image, string localFile, string pathInImage)
    {
        if (localFile.IndexOf('\'') >= 0 || pathInImage.IndexOf('\'') >= 0)
        {
            throw new BootImageToolException($"cannot pass a path with a quote to wimlib: {localFile}");
        }

        Run(["update", wim, image.ToString(), $"--command=add '{localFile}' '{pathInImage}'"], out int exit, out string errors);
        if (exit != 0)
        {
            throw new BootImageToolException(errors);
        }
    }

    private byte[] Run(string[] arguments, out int exitCode, out string errors)
    {
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
#if NETFRAMEWORK
        start.Arguments = string.Join(" ", arguments.Select(QuoteForWindows));
#else
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
#endif

        // Windows-like name matching inside the image: the existing Bootstrap.ini is replaced, not doubled.
        start.EnvironmentVariables["WIMLIB_IMAGEX_IGNORE_CASE"] = "1";
        using Process process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        exitCode = process.ExitCode;
        // One line: MSBuild would log every line of a multi-line message as an error of its own.
        errors = string.Join(" ", stderr.GetAwaiter().GetResult().Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
        return output.ToArray();
    }

#if NETFRAMEWORK
    /// <summary>Quotes one argument as CommandLineToArgvW reads it back (.NET Framework has no ArgumentList).</summary>
    private static string QuoteForWindows(string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '"']) < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder("\"");
        int backslashes = 0;
        foreach (char c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            quoted.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes).Append(c);
            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }
#endif
}
