using System.Globalization;
using System.Text;

namespace EdgeMlOps.Lambdas.PrepareYoloDataset;

/// <summary>
/// Reads label rows from CSV with a header row: the Athena result of the workflow's query (every value
/// quoted) or a file like labels.csv. Columns are found by name; write_time and is_deleted are optional.
/// </summary>
public static class LabelsCsvReader
{
    private static readonly string[] RequiredColumns = ["source_ref", "image_width", "image_height", "annotations", "event_time", "status"];

    public static IReadOnlyList<LabelRecord> Read(string csv)
    {
        var rows = ParseRows(csv);
        if (rows.Count == 0)
        {
            throw new DatasetException("the labels CSV is empty (no header row)", new Dictionary<string, int>());
        }

        var header = rows[0].Select(h => h.Trim()).ToList();
        var missing = RequiredColumns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            throw new DatasetException($"the labels CSV lacks column(s) {string.Join(", ", missing)}; it has {string.Join(", ", header)}", new Dictionary<string, int>());
        }

        int Col(string name) => header.IndexOf(name);
        var result = new List<LabelRecord>(rows.Count - 1);
        for (var i = 1; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Count == 1 && string.IsNullOrWhiteSpace(row[0]))
            {
                continue;
            }

            string Value(string name) => Col(name) is var c && c >= 0 && c < row.Count ? row[c] : string.Empty;
            result.Add(new LabelRecord
            {
                SourceRef = Value("source_ref"),
                ImageWidth = ParseInt(Value("image_width")),
                ImageHeight = ParseInt(Value("image_height")),
                Annotations = Value("annotations"),
                EventTime = double.TryParse(Value("event_time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : double.NaN,
                WriteTime = Value("write_time"),
                Status = Value("status"),
                IsDeleted = Value("is_deleted").Equals("true", StringComparison.OrdinalIgnoreCase),
                LabelingJob = Value("labeling_job"),
            });
        }

        return result;
    }

    private static int ParseInt(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value == Math.Floor(value) && value is > 0 and < int.MaxValue
            ? (int)value
            : 0;

    /// <summary>RFC 4180: fields separated by commas, quoted fields may hold commas, quotes ("") and newlines.</summary>
    private static List<List<string>> ParseRows(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (inQuotes)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add(row);
        }

        return rows;
    }
}
