using System.Globalization;
using System.Text;

namespace MdtShare.Build.IO;

/// <summary>
/// Writes the package's JSON reports, indented, UTF-8 without BOM. Hand-written because the task runs on .NET
/// Framework too, where System.Text.Json would be a runtime dependency for a few reports.
/// </summary>
internal sealed class JsonWriter
{
    private readonly StringBuilder _text = new();
    private readonly Stack<bool> _hasMembers = new();

    public JsonWriter BeginObject(string? name = null) => Open(name, '{');

    public JsonWriter EndObject() => Close('}');

    public JsonWriter BeginArray(string? name = null) => Open(name, '[');

    public JsonWriter EndArray() => Close(']');

    public JsonWriter Value(string? name, string? value) => Member(name, value is null ? "null" : Quote(value));

    public JsonWriter Value(string? name, long value) => Member(name, value.ToString(CultureInfo.InvariantCulture));

    public JsonWriter Value(string? name, double value) => Member(name, value.ToString("0.###", CultureInfo.InvariantCulture));

    public JsonWriter Value(string? name, bool value) => Member(name, value ? "true" : "false");

    public JsonWriter Values(string name, IEnumerable<string> values)
    {
        BeginArray(name);
        foreach (string value in values)
        {
            Value(null, value);
        }

        return EndArray();
    }

    public byte[] ToUtf8() => new UTF8Encoding(false).GetBytes(_text.Append('\n').ToString());

    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"", text.Length + 2);
        foreach (char c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return quoted.Append('"').ToString();
    }

    private JsonWriter Open(string? name, char bracket)
    {
        Member(name, bracket.ToString());
        _hasMembers.Push(false);
        return this;
    }

    private JsonWriter Close(char bracket)
    {
        if (_hasMembers.Pop())
        {
            NewLine();
        }

        _text.Append(bracket);
        return this;
    }

    private JsonWriter Member(string? name, string json)
    {
        if (_hasMembers.Count > 0)
        {
            _text.Append(_hasMembers.Peek() ? "," : string.Empty);
            _hasMembers.Pop();
            _hasMembers.Push(true);
            NewLine();
        }

        if (name is not null)
        {
            _text.Append(Quote(name)).Append(": ");
        }

        _text.Append(json);
        return this;
    }

    private void NewLine() => _text.Append('\n').Append(' ', 2 * _hasMembers.Count);
}
