using System.Text;

namespace EdgeMlOps.Labeling.Common;

/// <summary>
/// Splits RFC 4180 CSV text (the format of Athena query results and of exported label tables) into rows of
/// fields: fields may be quoted, a doubled quote inside quotes is one quote, quoted fields may span lines.
/// </summary>
public static class CsvLines
{
    public static IEnumerable<IReadOnlyList<string>> Parse(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var rowHasContent = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"':
                    inQuotes = true;
                    rowHasContent = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    rowHasContent = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (rowHasContent || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        yield return fields.ToArray();
                    }

                    fields.Clear();
                    field.Clear();
                    rowHasContent = false;
                    break;
                default:
                    field.Append(ch);
                    rowHasContent = true;
                    break;
            }
        }

        if (rowHasContent || field.Length > 0)
        {
            fields.Add(field.ToString());
            yield return fields.ToArray();
        }
    }
}
