using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeMlOps.Testing.StateMachines;

namespace EdgeMlOps.Testing.DynamoDb;

/// <summary>A global secondary index: its keys and the non-key attributes it projects (null: all).</summary>
public sealed record DynamoDbIndex(string Name, string PartitionKey, string? SortKey, IReadOnlyList<string>? NonKeyAttributes);

/// <summary>
/// A DynamoDB table in memory that answers Step Functions SDK-integration calls (PascalCase parameters and results)
/// as the service documents them: PutItem and DeleteItem with a <c>ConditionExpression</c> (failing with
/// <c>DynamoDb.ConditionalCheckFailedException</c>), GetItem, and Query of the table or a global secondary index with
/// a key condition (partition equality, optional sort-key comparison), BatchGetItem of this table's keys, <c>FilterExpression</c> applied after the read,
/// <c>Select: COUNT</c>, <c>Limit</c> (items evaluated), <c>ProjectionExpression</c>, pages of at most 1 MB of read
/// data (item size as DynamoDB counts it: attribute names plus values) with <c>LastEvaluatedKey</c> and
/// <c>ExclusiveStartKey</c>. Index queries read only projected attributes. Thread-safe.
/// </summary>
public sealed class InMemoryDynamoDbTable
{
    /// <summary>The most data one Query page reads.</summary>
    public const int PageBytes = 1024 * 1024;

    private readonly object _lock = new();
    private readonly Dictionary<string, JsonObject> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DynamoDbIndex> _indexes = new(StringComparer.Ordinal);

    // Each index's view of every item (only the attributes it projects), kept up to date on every write so a Query
    // does not copy the table: fakes query tables of ten thousand items every poll.
    private readonly Dictionary<string, Dictionary<string, JsonObject>> _indexViews = new(StringComparer.Ordinal);

    /// <summary>An empty table keyed by <paramref name="partitionKey"/> with the given indexes.</summary>
    public InMemoryDynamoDbTable(string tableName, string partitionKey, params DynamoDbIndex[] indexes)
    {
        TableName = tableName;
        PartitionKey = partitionKey;
        foreach (var index in indexes)
        {
            _indexes[index.Name] = index;
            _indexViews[index.Name] = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        }
    }

    /// <summary>The name calls must use.</summary>
    public string TableName { get; }

    /// <summary>The table's partition key attribute.</summary>
    public string PartitionKey { get; }

    /// <summary>Items in the table.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Writes an item directly (what the IoT rule or another writer does), replacing the one with its key.</summary>
    public void Put(JsonObject item)
    {
        var key = KeyOf(item);
        lock (_lock)
        {
            Store(key, item);
        }
    }

    /// <summary>The item whose (string) partition key is <paramref name="key"/> (a copy), or null.</summary>
    public JsonObject? Get(string key)
    {
        lock (_lock)
        {
            return _items.TryGetValue(JsonValue.Create(key).ToJsonString(), out var item) ? (JsonObject)item.DeepClone() : null;
        }
    }

    /// <summary>dynamodb:PutItem.</summary>
    public JsonObject PutItem(JsonObject p)
    {
        CheckTable(p);
        var item = p["Item"] as JsonObject ?? throw Validation("Item is required");
        var key = KeyOf(item);
        lock (_lock)
        {
            CheckCondition(p, _items.GetValueOrDefault(key));
            Store(key, (JsonObject)item.DeepClone());
        }

        return [];
    }

    /// <summary>dynamodb:GetItem.</summary>
    public JsonObject GetItem(JsonObject p)
    {
        CheckTable(p);
        var key = KeyOf(p["Key"] as JsonObject ?? throw Validation("Key is required"));
        lock (_lock)
        {
            return _items.TryGetValue(key, out var item) ? new JsonObject { ["Item"] = item.DeepClone() } : [];
        }
    }

    /// <summary>Keys one BatchGetItem may ask for (DynamoDB's limit).</summary>
    public const int MaxBatchGetKeys = 100;

    /// <summary>
    /// dynamodb:BatchGetItem of this table (its entry of <c>RequestItems</c>: <c>Keys</c>, optional
    /// <c>ProjectionExpression</c> and <c>ExpressionAttributeNames</c>): <c>Responses</c> holds the items found, in no
    /// particular order (here: key order); keys without an item are left out. More than 100 keys, an empty or a
    /// repeated key is a ValidationException, as in DynamoDB. Everything is processed (<c>UnprocessedKeys</c> empty).
    /// </summary>
    public JsonObject BatchGetItem(JsonObject p)
    {
        var request = p["RequestItems"]?[TableName] as JsonObject ?? throw Validation($"RequestItems has no entry for table {TableName}");
        var keys = (request["Keys"] as JsonArray ?? throw Validation("Keys is required")).OfType<JsonObject>().ToList();
        if (keys.Count is 0 or > MaxBatchGetKeys)
        {
            throw Validation($"Too many items requested for the BatchGetItem call (1 to {MaxBatchGetKeys} keys, got {keys.Count})");
        }

        var names = request["ExpressionAttributeNames"] as JsonObject;
        var projection = request["ProjectionExpression"]?.GetValue<string>() is { } pe
            ? pe.Split(',').Select(n => n.Trim()).Select(n => n.StartsWith('#') ? names?[n]?.GetValue<string>() ?? throw Validation($"ExpressionAttributeNames has no {n}") : n).ToList()
            : null;
        var wanted = keys.Select(KeyOf).ToList();
        if (wanted.Distinct(StringComparer.Ordinal).Count() != wanted.Count)
        {
            throw Validation("Provided list of item keys contains duplicates");
        }

        var found = new JsonArray();
        lock (_lock)
        {
            foreach (var key in wanted)
            {
                if (_items.TryGetValue(key, out var item))
                {
                    found.Add(projection is null ? item.DeepClone() : Pick(item, projection));
                }
            }
        }

        return new JsonObject { ["Responses"] = new JsonObject { [TableName] = found }, ["UnprocessedKeys"] = new JsonObject() };
    }

    /// <summary>dynamodb:DeleteItem.</summary>
    public JsonObject DeleteItem(JsonObject p)
    {
        CheckTable(p);
        var key = KeyOf(p["Key"] as JsonObject ?? throw Validation("Key is required"));
        lock (_lock)
        {
            CheckCondition(p, _items.GetValueOrDefault(key));
            _items.Remove(key);
            foreach (var view in _indexViews.Values)
            {
                view.Remove(key);
            }
        }

        return [];
    }

    /// <summary>dynamodb:Query.</summary>
    public JsonObject Query(JsonObject p)
    {
        CheckTable(p);
        var names = p["ExpressionAttributeNames"] as JsonObject;
        var values = p["ExpressionAttributeValues"] as JsonObject;
        var index = p["IndexName"]?.GetValue<string>() is { } indexName
            ? _indexes.GetValueOrDefault(indexName) ?? throw Validation($"The table does not have the specified index: {indexName}")
            : new DynamoDbIndex("(table)", PartitionKey, null, null);
        var keyCondition = DynamoDbExpression.Parse(p["KeyConditionExpression"]?.GetValue<string>() ?? throw Validation("KeyConditionExpression is required"));
        var comparisons = keyCondition.Comparisons(names, values);
        var partition = comparisons.FirstOrDefault(c => c.Attribute == index.PartitionKey && c.Operator == "=");
        if (partition.Value is null)
        {
            throw Validation($"Query condition missed key schema element: {index.PartitionKey}");
        }

        var filter = p["FilterExpression"]?.GetValue<string>() is { } f ? DynamoDbExpression.Parse(f) : null;
        var countOnly = p["Select"]?.GetValue<string>() == "COUNT";
        var limit = p["Limit"]?.GetValue<int>() ?? int.MaxValue;
        var projection = p["ProjectionExpression"]?.GetValue<string>() is { } pe
            ? pe.Split(',').Select(n => n.Trim()).Select(n => n.StartsWith('#') ? names?[n]?.GetValue<string>() ?? throw Validation($"ExpressionAttributeNames has no {n}") : n).ToList()
            : null;

        // The index's view of the items (stored, not copied: views are replaced on write, never changed).
        var matching = new List<(string Key, JsonObject Item, SortValue Sort)>();
        lock (_lock)
        {
            var view = index.Name == "(table)" ? _items : _indexViews[index.Name];
            foreach (var (key, item) in view)
            {
                if (AttributeValueOrder.Compare(item[index.PartitionKey] as JsonObject, partition.Value) == 0
                    && (index.SortKey is null || item.ContainsKey(index.SortKey))
                    && keyCondition.Matches(item, names, values))
                {
                    matching.Add((key, item, index.SortKey is null ? default : SortValue.Of(item[index.SortKey] as JsonObject)));
                }
            }
        }

        // Index order: sort key, then the table key (a stable order for pages).
        matching.Sort((a, b) => a.Sort.CompareTo(b.Sort) is var bySort && bySort != 0 ? bySort : string.CompareOrdinal(a.Key, b.Key));
        var candidates = matching.ConvertAll(m => m.Item);
        var start = 0;
        if (p["ExclusiveStartKey"] is JsonObject exclusiveStart)
        {
            var after = KeyOf(exclusiveStart);
            start = matching.FindIndex(c => c.Key == after) + 1;
            if (start == 0)
            {
                throw Validation("The provided starting key is invalid");
            }
        }

        var matched = new JsonArray();
        var count = 0;
        var scanned = 0;
        var bytes = 0;
        var position = start;
        while (position < candidates.Count && scanned < limit && bytes < PageBytes)
        {
            var item = candidates[position++];
            scanned++;
            bytes += Size(item);
            if (filter is null || filter.Matches(item, names, values))
            {
                count++;
                if (!countOnly)
                {
                    matched.Add(projection is null ? item.DeepClone() : Pick(item, projection));
                }
            }
        }

        var result = countOnly ? new JsonObject() : new JsonObject { ["Items"] = matched };
        result["Count"] = count;
        result["ScannedCount"] = scanned;
        if (position < candidates.Count)
        {
            var last = candidates[position - 1];
            var lastKey = new JsonObject { [PartitionKey] = last[PartitionKey]!.DeepClone() };
            if (index.SortKey is not null)
            {
                lastKey[index.PartitionKey] = last[index.PartitionKey]!.DeepClone();
                lastKey[index.SortKey] = last[index.SortKey]!.DeepClone();
            }

            result["LastEvaluatedKey"] = lastKey;
        }

        return result;
    }

    /// <summary>An item's size as DynamoDB counts it: attribute name lengths plus value sizes (UTF-8 strings, numbers about a byte per two digits).</summary>
    public static int Size(JsonObject item)
    {
        var size = 0;
        foreach (var (name, value) in item)
        {
            size += Encoding.UTF8.GetByteCount(name) + ValueSize(value as JsonObject);
        }

        return size;
    }

    private static int ValueSize(JsonObject? value)
    {
        if (value is null || value.Count != 1)
        {
            return 1;
        }

        var (type, content) = value.First();
        return type switch
        {
            "S" => Encoding.UTF8.GetByteCount(content!.GetValue<string>()),
            "N" => (content!.GetValue<string>().Length / 2) + 1,
            "M" => 3 + Size((JsonObject)content!),
            "L" => 3 + ((JsonArray)content!).Sum(e => 1 + ValueSize(e as JsonObject)),
            _ => 1,
        };
    }

    /// <summary>Stores an item and every index's view of it (under the lock).</summary>
    private void Store(string key, JsonObject item)
    {
        _items[key] = item;
        foreach (var (name, view) in _indexViews)
        {
            view[key] = Project(item, _indexes[name]);
        }
    }

    /// <summary>A sort-key value parsed once for ordering (numbers as numbers, strings ordinal), as <see cref="AttributeValueOrder"/> orders them.</summary>
    private readonly record struct SortValue(string? Type, decimal Number, string? Text) : IComparable<SortValue>
    {
        public static SortValue Of(JsonObject? value)
        {
            if (value is null || value.Count != 1)
            {
                return default;
            }

            var (type, content) = value.First();
            return type switch
            {
                "N" => new SortValue(type, decimal.Parse(content!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture), null),
                "S" => new SortValue(type, 0, content!.GetValue<string>()),
                _ => default,
            };
        }

        public int CompareTo(SortValue other) =>
            Type is null || Type != other.Type ? 0
            : Type == "N" ? Number.CompareTo(other.Number)
            : string.CompareOrdinal(Text, other.Text);
    }

    private JsonObject Project(JsonObject item, DynamoDbIndex index)
    {
        if (index.NonKeyAttributes is null)
        {
            return item;
        }

        var keep = new HashSet<string>(index.NonKeyAttributes, StringComparer.Ordinal) { PartitionKey, index.PartitionKey };
        if (index.SortKey is not null)
        {
            keep.Add(index.SortKey);
        }

        return Pick(item, keep);
    }

    private static JsonObject Pick(JsonObject item, IEnumerable<string> attributes)
    {
        var picked = new JsonObject();
        foreach (var name in attributes)
        {
            if (item[name] is { } value)
            {
                picked[name] = value.DeepClone();
            }
        }

        return picked;
    }

    private void CheckCondition(JsonObject p, JsonObject? existing)
    {
        if (p["ConditionExpression"]?.GetValue<string>() is not { } condition)
        {
            return;
        }

        var expression = DynamoDbExpression.Parse(condition);
        if (!expression.Matches(existing ?? [], p["ExpressionAttributeNames"] as JsonObject, p["ExpressionAttributeValues"] as JsonObject))
        {
            throw new TaskFailure("DynamoDb.ConditionalCheckFailedException", "The conditional request failed");
        }
    }

    private void CheckTable(JsonObject p)
    {
        var table = p["TableName"]?.GetValue<string>();
        if (table != TableName)
        {
            throw new TaskFailure("DynamoDb.ResourceNotFoundException", $"Requested resource not found: table {table}");
        }
    }

    private string KeyOf(JsonObject item) =>
        item[PartitionKey] is JsonObject key && key.Count == 1
            ? key.First().Value!.ToJsonString()
            : throw Validation($"One of the required keys was not given a value: {PartitionKey}");

    private static TaskFailure Validation(string message) => new("DynamoDb.ValidationException", message);

    /// <summary>A number attribute value.</summary>
    public static JsonObject N(long value) => new() { ["N"] = value.ToString(CultureInfo.InvariantCulture) };

    /// <summary>A string attribute value.</summary>
    public static JsonObject S(string value) => new() { ["S"] = value };
}
