using System.Text;

namespace MdtShare.Build.Ini;

/// <summary>A section block: a header line and the lines up to the next line that starts with '['.</summary>
internal sealed record IniSection(string? Name, int HeaderIndex, int EndIndex, bool IsFirstWithName)
{
    /// <summary>Indexes of the lines after the header, up to (not including) the next header.</summary>
    public IEnumerable<int> BodyIndexes => Enumerable.Range(HeaderIndex + 1, EndIndex - HeaderIndex - 1);
}

/// <summary>
/// An immutable, byte-faithful view of an INI file as MDT reads it. Edits return a new document; lines that are
/// not edited are reproduced exactly, including their line endings and a missing final newline.
/// </summary>
internal sealed class IniDocument
{
    private IniDocument(IReadOnlyList<IniLine> lines)
    {
        Lines = lines;
        var sections = new List<IniSection>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind != IniLineKind.SectionHeader)
            {
                continue;
            }

            int end = i + 1;
            while (end < lines.Count && lines[end].Kind != IniLineKind.SectionHeader)
            {
                end++;
            }

            string? name = lines[i].SectionName;
            sections.Add(new IniSection(name, i, end, name is not null && seen.Add(name)));
        }

        Sections = sections;
    }

    public IReadOnlyList<IniLine> Lines { get; }

    public IReadOnlyList<IniSection> Sections { get; }

    /// <summary>Splits text at CRLF, LF and lone CR, keeping each line's own ending.</summary>
    public static IniDocument Parse(string text)
    {
        var lines = new List<IniLine>();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c != '\r' && c != '\n')
            {
                continue;
            }

            int endingLength = c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            lines.Add(IniLine.Parse(lines.Count + 1, text.Substring(start, i - start), text.Substring(i, endingLength)));
            i += endingLength - 1;
            start = i + 1;
        }

        if (start < text.Length)
        {
            lines.Add(IniLine.Parse(lines.Count + 1, text.Substring(start), string.Empty));
        }

        return new IniDocument(lines);
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (IniLine line in Lines)
        {
            builder.Append(line.Text).Append(line.Ending);
        }

        return builder.ToString();
    }

    /// <summary>The block MDT reads for a section name: the first one with that name (case-insensitive).</summary>
    public IniSection? FindSection(string name) =>
        Sections.FirstOrDefault(s => s.IsFirstWithName && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The line MDT reads for a key in a section: the first one in the block, or -1.</summary>
    public int FindKey(IniSection section, string key)
    {
        foreach (int i in section.BodyIndexes)
        {
            if (Lines[i].HasKey(key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The line ending most lines use (the first such on a tie), CRLF for a file without any.</summary>
    public string DominantLineEnding =>
        Lines.Where(l => l.Ending.Length > 0)
             .GroupBy(l => l.Ending)
             .OrderByDescending(g => g.Count())
             .ThenBy(g => g.First().Number)
             .Select(g => g.Key)
             .FirstOrDefault() ?? "\r\n";

    public IniDocument WithValue(int lineIndex, string value) =>
        Replace(lineIndex, 1, [(Lines[lineIndex].TextWithValue(value), Lines[lineIndex].Ending)]);

    /// <summary>Inserts a line after <paramref name="lineIndex"/>, taking that line's ending (or the file's).</summary>
    public IniDocument WithLineAfter(int lineIndex, string text)
    {
        IniLine previous = Lines[lineIndex];
        if (previous.Ending.Length > 0)
        {
            return Replace(lineIndex + 1, 0, [(text, previous.Ending)]);
        }

        // The previous line was the last one and had no newline: it gets one, the new line keeps the file's
        // "no final newline" shape.
        return Replace(lineIndex, 1, [(previous.Text, DominantLineEnding), (text, string.Empty)]);
    }

    /// <summary>Appends a new section with one line, separated from the previous content by a blank line.</summary>
    public IniDocument WithSectionAppended(string sectionName, string line)
    {
        string eol = DominantLineEnding;
        var added = new List<(string, string)>();
        if (Lines.Count > 0 && Lines[Lines.Count - 1].Kind != IniLineKind.Blank)
        {
            added.Add((string.Empty, eol));
        }

        bool finalNewline = Lines.Count == 0 || Lines[Lines.Count - 1].Ending.Length > 0;
        added.Add(("[" + sectionName + "]", eol));
        added.Add((line, finalNewline ? eol : string.Empty));
        if (Lines.Count > 0 && !finalNewline)
        {
            IniLine last = Lines[Lines.Count - 1];
            added.Insert(0, (last.Text, eol));
            return Replace(Lines.Count - 1, 1, added);
        }

        return Replace(Lines.Count, 0, added);
    }

    private IniDocument Replace(int index, int count, IReadOnlyList<(string Text, string Ending)> replacement)
    {
        var raw = Lines.Select(l => (l.Text, l.Ending)).ToList();
        raw.RemoveRange(index, count);
        raw.InsertRange(index, replacement);
        return new IniDocument(raw.Select((l, i) => IniLine.Parse(i + 1, l.Text, l.Ending)).ToList());
    }
}
