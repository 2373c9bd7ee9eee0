using System.Text;
using System.Text.RegularExpressions;
using MdtShare.Build.IO;

namespace MdtShare.Build.BootImage;

/// <summary><c>wimlib-imagex</c> (Debian package wimtools; a Windows build exists), run as a child process.</summary>
internal sealed class WimlibImagex(string executable, CancellationToken cancellation = default) : IBootImageTool
{
    // wimlib's WIMLIB_ERR_PATH_DOES_NOT_EXIST, the exit code of `extract` for a missing path.
    private const int PathDoesNotExist = 49;

    public string Name => executable;

    /// <summary>The tool from an explicit path, else from PATH; null when there is none.</summary>
    public static WimlibImagex? Find(string? configuredPath, string? pathVariable, CancellationToken cancellation = default) =>
        ToolProcess.Find(configuredPath, pathVariable, "wimlib-imagex", "wimlib-imagex.exe") is { } found ? new WimlibImagex(found, cancellation) : null;

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

    public bool ExtractFolder(string wim, int image, string folderInImage, string destination)
    {
        Run(["extract", wim, image.ToString(), folderInImage, "--dest-dir=" + destination, "--no-acls"], out int exit, out string errors);
        return exit == 0 || (exit == PathDoesNotExist ? false : throw new BootImageToolException(errors));
    }

    public void ReplaceFile(string wim, int image, string localFile, string pathInImage)
    {
        if (localFile.IndexOf('\'') >= 0 || pathInImage.IndexOf('\'') >= 0)
        {
            throw new BootImageToolException($"cannot pass a path with a quote to wimlib: {localFile}");
        }

        // --rebuild: an update appends, leaving the replaced file's data in the WIM as an unreferenced blob, and that
        // data is the old Bootstrap.ini (the old DeployRoot, and any credential it held). Rebuilt, the WIM holds
        // only what its images reference.
        Run(["update", wim, image.ToString(), "--rebuild", $"--command=add '{localFile}' '{pathInImage}'"], out int exit, out string errors);
        if (exit != 0)
        {
            throw new BootImageToolException(errors);
        }
    }

    // Windows-like name matching inside the image: the existing Bootstrap.ini is replaced, not doubled.
    private static readonly Dictionary<string, string> IgnoreCase = new() { ["WIMLIB_IMAGEX_IGNORE_CASE"] = "1" };

    private byte[] Run(string[] arguments, out int exitCode, out string errors) =>
        ToolProcess.Run(executable, arguments, IgnoreCase, out exitCode, out errors, cancellation);
}
