using System.Globalization;
using System.Text;
using MdtShare.Build.IO;

namespace MdtShare.Build.BootImage;

/// <summary>
/// Remembers, per output file, what it was made from (sizes and times of the inputs: never content, so never a
/// secret), so an output is made again only when an input changed.
/// </summary>
internal sealed class StampFile(string path)
{
    public static string Of(string file)
    {
        var info = new FileInfo(file);
        return info.Length.ToString(CultureInfo.InvariantCulture) + "\t" + info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture) + "\t" + file;
    }

    public bool Matches(string output, string stamp) => File.Exists(output) && Read().TryGetValue(output, out string? previous) && previous == stamp;

    public void Set(string output, string stamp)
    {
        Dictionary<string, string> stamps = Read();
        stamps[output] = stamp;
        AtomicFile.WriteIfChanged(path, Encoding.UTF8.GetBytes(string.Concat(stamps.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Key + "\t" + s.Value + "\n"))));
    }

    private Dictionary<string, string> Read() =>
        File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Split(['\t'], 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
}
