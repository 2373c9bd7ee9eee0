namespace MdtShare.Build.Ini;

internal enum IniLineKind
{
    Blank,
    Comment,
    SectionHeader,
    KeyValue,
    Other,
}

/// <summary>
/// One physical line, classified the way MDT's ZTIUtility.vbs <c>ReadIni</c> sees it. <see cref="Text"/> holds the
/// file's bytes one char per byte (Latin-1), so writing it back reproduces the bytes exactly.
/// </summary>
internal sealed class IniLine
{
    /// <summary>The characters MDT's <c>TrimAllWS</c> removes: space, TAB, LF, VT, FF, CR and NBSP.</summary>
    internal static readonly char[] MdtWhitespace = [' ', '\t', '\n', '\v', '\f', '\r', '\u00A0'];

    private IniLine(int number, string text, string ending)
    {
        Number = number;
        Text = text;
        Ending = ending;
    }

    /// <summary>1-based line number.</summary>
    public int Number { get; }

    public string Text { get; }

    /// <summary>"\r\n", "\n", "\r", or "" for a last line without a newline.</summary>
    public string Ending { get; }

    public IniLineKind Kind { get; private set; }

    /// <summary>For a header: the text between the brackets, compared case-insensitively; null if it has no closing bracket.</summary>
    public string? SectionName { get; private set; }

    public string? Key { get; private set; }

    public string? Value { get; private set; }

    /// <summary>0-based index in <see cref="Text"/> where the trimmed value starts.</summary>
    public int ValueStart { get; private set; }

    public int KeyStart { get; private set; }

    internal static IniLine Parse(int number, string text, string ending)
    {
        var line = new IniLine(number, text, ending);
        string trimmed = text.Trim(MdtWhitespace);
        if (trimmed.Length == 0)
        {
            line.Kind = IniLineKind.Blank;
        }
        else if (trimmed[0] == '[')
        {
            line.Kind = IniLineKind.SectionHeader;
            if (trimmed.Length >= 2 && trimmed[trimmed.Length - 1] == ']')
            {
                line.SectionName = trimmed.Substring(1, trimmed.Length - 2);
            }
        }
        else if (trimmed[0] == ';')
        {
            line.Kind = IniLineKind.Comment;
        }
        else if (text.IndexOf('=') is var equals and >= 0)
        {
            line.Kind = IniLineKind.KeyValue;
            line.Key = text.Substring(0, equals).Trim(MdtWhitespace);
            line.KeyStart = text.Length - text.TrimStart(MdtWhitespace).Length;
            string afterEquals = text.Substring(equals + 1);
            line.Value = afterEquals.Trim(MdtWhitespace);
            line.ValueStart = equals + 1 + (afterEquals.Length - afterEquals.TrimStart(MdtWhitespace).Length);
            if (line.Value.Length == 0)
            {
                line.ValueStart = equals + 1;
            }
        }
        else
        {
            line.Kind = IniLineKind.Other;
        }

        return line;
    }

    internal bool HasKey(string key) =>
        Kind == IniLineKind.KeyValue && string.Equals(Key, key, StringComparison.OrdinalIgnoreCase);

    /// <summary>The line with its value replaced; the key, the spacing around '=' and anything after the value stay.</summary>
    internal string TextWithValue(string value) =>
        Text.Substring(0, ValueStart) + value + Text.Substring(ValueStart + Value!.Length);
}
