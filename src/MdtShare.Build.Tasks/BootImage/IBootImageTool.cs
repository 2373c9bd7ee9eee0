namespace MdtShare.Build.BootImage;

/// <summary>Image count and the bootable image of a WIM.</summary>
internal sealed record WimInfo(int ImageCount, int BootIndex);

/// <summary>A WIM failed to open, read or update; the message is the tool's own.</summary>
internal sealed class BootImageToolException(string message) : Exception(message);

/// <summary>
/// The operations boot-image patching needs from a WIM tool. wimlib (<see cref="WimlibImagex"/>) runs on every
/// build agent; DISM on Windows could implement the same operations.
/// </summary>
internal interface IBootImageTool
{
    string Name { get; }

    WimInfo Info(string wim);

    /// <summary>The bytes of one file of an image, or null when the image has no such file.</summary>
    byte[]? ReadFile(string wim, int image, string pathInImage);

    /// <summary>Extracts one folder of an image into <paramref name="destination"/>; false when the image has no such folder.</summary>
    bool ExtractFolder(string wim, int image, string folderInImage, string destination);

    /// <summary>Adds or replaces one file of an image, in place.</summary>
    void ReplaceFile(string wim, int image, string localFile, string pathInImage);
}
