using System.Text;

namespace MdtShare.Build.WindowsTests.Support;

/// <summary>A folder of its own for one test, removed afterwards (read-only files too).</summary>
internal sealed class Scratch : IDisposable
{
    public Scratch()
    {
        Root = Path.Combine(Path.GetTempPath(), "mdtshare-win-" + Guid.NewGuid().ToString("N").Substring(0, 10));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string this[string relativePath] => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    public string Write(string relativePath, string content) => Write(relativePath, Encoding.UTF8.GetBytes(content));

    public string Write(string relativePath, byte[] content)
    {
        string path = this[relativePath];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose()
    {
        try
        {
            foreach (string file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the system's temp cleanup; a test never fails on its cleanup.
        }
    }
}
