namespace MdtShare.Build.IO;

/// <summary>Whole-file writes that never leave a torn file under the final name.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="bytes"/> to <paramref name="path"/> unless it already holds exactly them, so an
    /// unchanged output keeps its timestamp and downstream incremental checks stay quiet.
    /// </summary>
    /// <returns>True when the file was written.</returns>
    public static bool WriteIfChanged(string path, byte[] bytes)
    {
        if (Holds(path, bytes))
        {
            return false;
        }

        string directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(flushToDisk: true);
            }

            FileRename.Replace(temp, path);
        }
        finally
        {
            File.Delete(temp);
        }

        return true;
    }

    /// <summary>Whether <paramref name="path"/> exists and holds exactly <paramref name="bytes"/>.</summary>
    public static bool Holds(string path, byte[] bytes) =>
        File.Exists(path) && new FileInfo(path).Length == bytes.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes);
}
