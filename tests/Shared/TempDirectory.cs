using System.Text;

namespace MdtShare.Build.Tests.Support;

/// <summary>A folder of its own for one test, removed afterwards (read-only files too); a test never fails on its
/// cleanup.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        // Not Directory.CreateTempSubdirectory: the Windows layer's net472 build shares this file.
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mdtshare-test-" + Guid.NewGuid().ToString("N").Substring(0, 10));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>The full path of a '/'-separated path in the folder.</summary>
    public string this[string relativePath] => Combine(relativePath.Split('/'));

    public string WriteFile(string relativePath, string content) => WriteFile(relativePath, Encoding.UTF8.GetBytes(content));

    public string WriteFile(string relativePath, byte[] bytes)
    {
        string path = this[relativePath];
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the system's temp cleanup.
        }
    }
}
