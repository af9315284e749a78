using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.DynamoDb;

/// <summary>
/// A DynamoDB condition, filter or key-condition expression, parsed and evaluated as the service documents it
/// (comparison operators <c>= &lt;&gt; &lt; &lt;= &gt; &gt;=</c>, <c>BETWEEN … AND …</c>, <c>AND</c>, <c>OR</c>, <c>NOT</c>,
/// parentheses, <c>attribute_exists</c>, <c>attribute_not_exists</c>; <c>#name</c> placeholders and <c>:value</c>
/// placeholders). A comparison with a missing attribute or values of different types is false; strings compare
/// by code point, numbers by value. Anything else in the grammar is refused with the expression in the message,
/// never guessed. Items are attribute-value maps (<c>{"n": {"N": "3"}}</c>), as Step Functions passes them.
/// </summary>
public sealed class DynamoDbExpression
{
    private readonly Node _root;

    private DynamoDbExpression(string text, Node root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <exception cref="FormatException">The expression is outside the supported grammar.</exception>
    public static DynamoDbExpression Parse(string text) => new(text, new Parser(text).ParseAll());

    /// <summary>Whether <paramref name="item"/> satisfies the expression.</summary>
    public bool Matches(JsonObject item, JsonObject? names, JsonObject? values) => _root.Evaluate(new Context(item, names, values));

    /// <summary>The attribute names (placeholders resolved) the expression compares with <c>=</c> to a value: key conditions.</summary>
    public IReadOnlyList<(string Attribute, string Operator, JsonObject Value)> Comparisons(JsonObject? names, JsonObject? values)
    {
        var found = new List<(string, string, JsonObject)>();
        var context = new Context([], names, values);
        _root.Visit(n =>
        {
            if (n is Comparison { Left: PathOperand path, Right: ValueOperand value } c)
            {
                found.Add((context.Name(path.Name), c.Operator, context.Value(value.Placeholder)));
            }
        });
        return found;
    }

    private sealed record Context(JsonObject Item, JsonObject? Names, JsonObject? Values)
    {
        public string Name(string name) => name.StartsWith('#')
            ? Names?[name]?.GetValue<string>() ?? throw new FormatException($"ExpressionAttributeNames has no {name}")
            : name;

        public JsonObject Value(string placeholder) =>
            Values?[placeholder] as JsonObject ?? throw new FormatException($"ExpressionAttributeValues has no {placeholder}");
    }

    private abstract record Node
    {
        public abstract bool Evaluate(Context context);

        public virtual void Visit(Action<Node> visit) => visit(this);
    }

    private abstract record Operand
    {
        public abstract JsonObject? Resolve(Context context);
    }

    private sealed record PathOperand(string Name) : Operand
    {
        public override JsonObject? Resolve(Context context) => context.Item[context.Name(Name)] as JsonObject;
    }

    private sealed record ValueOperand(string Placeholder) : Operand
    {
        public override JsonObject? Resolve(Context context) => context.Value(Placeholder);
    }

    private sealed record Logical(string Operator, Node Left, Node Right) : Node
    {
        public override bool Evaluate(Context context) => Operator == "AND"
            ? Left.Evaluate(context) && Right.Evaluate(context)
            : Left.Evaluate(context) || Right.Evaluate(context);

        public override void Visit(Action<Node> visit)
        {
            visit(this);
            Left.Visit(visit);
            Right.Visit(visit);
        }
    }

    private sealed record Not(Node Inner) : Node
    {
        public override bool Evaluate(Context context) => !Inner.Evaluate(context);

        public override void Visit(Action<Node> visit)
        {
            visit(this);
            Inner.Visit(visit);
        }
    }

    private sealed record Exists(string Name, bool ShouldExist) : Node
    {
        public override bool Evaluate(Context context) => context.Item.ContainsKey(context.Name(Name)) == ShouldExist;
    }

    private sealed record Comparison(Operand Left, string Operator, Operand Right) : Node
    {
        public override bool Evaluate(Context context)
        {
            var order = AttributeValueOrder.Compare(Left.Resolve(context), Right.Resolve(context));
            return order is { } o && Operator switch
            {
                "=" => o == 0,
                "<>" => o != 0,
                "<" => o < 0,
                "<=" => o <= 0,
                ">" => o > 0,
                ">=" => o >= 0,
                _ => false,
            };
        }
    }

    private sealed record Between(Operand Value, Operand Low, Operand High) : Node
    {
        public override bool Evaluate(Context context)
        {
            var value = Value.Resolve(context);
            return AttributeValueOrder.Compare(value, Low.Resolve(context)) >= 0 && AttributeValueOrder.Compare(value, High.Resolve(context)) <= 0;
        }
    }

    private sealed class Parser(string text)
    {
        private readonly List<string> _tokens = Tokenize(text);
        private int _at;

        public Node ParseAll()
        {
            var node = Or();
            return _at == _tokens.Count ? node : throw Error($"unexpected '{_tokens[_at]}'");
        }

        private Node Or()
        {
            var left = And();
            while (Accept("OR"))
            {
                left = new Logical("OR", left, And());
            }

            return left;
        }

        private Node And()
        {
            var left = Unary();
            while (Accept("AND"))
            {
                left = new Logical("AND", left, Unary());
            }

            return left;
        }

        private Node Unary()
        {
            if (Accept("NOT"))
            {
                return new Not(Unary());
            }

            if (Accept("("))
            {
                var inner = Or();
                Expect(")");
                return inner;
            }

            if (Peek() is "attribute_exists" or "attribute_not_exists")
            {
                var exists = Next() == "attribute_exists";
                Expect("(");
                var name = Next();
                Expect(")");
                return new Exists(name, exists);
            }

            var left = Operand();
            if (Accept("BETWEEN"))
            {
                var low = Operand();
                Expect("AND");
                return new Between(left, low, Operand());
            }

            var op = Next();
            return op is "=" or "<>" or "<" or "<=" or ">" or ">="
                ? new Comparison(left, op, Operand())
                : throw Error($"unsupported operator '{op}'");
        }

        private Operand Operand()
        {
            var token = Next();
            if (token.StartsWith(':'))
            {
                return new ValueOperand(token);
            }

            return token.Length > 0 && (token[0] == '#' || char.IsLetter(token[0]) || token[0] == '_')
                ? new PathOperand(token)
                : throw Error($"expected an attribute or a :value, got '{token}'");
        }

        private string? Peek() => _at < _tokens.Count ? _tokens[_at] : null;

        private string Next() => _at < _tokens.Count ? _tokens[_at++] : throw Error("unexpected end");

        private bool Accept(string token)
        {
            if (_at < _tokens.Count && string.Equals(_tokens[_at], token, token.All(char.IsLetter) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
            {
                _at++;
                return true;
            }

            return false;
        }

        private void Expect(string token)
        {
            if (!Accept(token))
            {
                throw Error($"expected '{token}'");
            }
        }

        private FormatException Error(string what) => new($"DynamoDB expression not supported here ({what}): {text}");

        private static List<string> Tokenize(string text)
        {
            var tokens = new List<string>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (c is '(' or ')' or ',' or '=')
                {
                    tokens.Add(c.ToString());
                    i++;
                }
                else if (c is '<' or '>')
                {
                    var two = i + 1 < text.Length ? text.Substring(i, 2) : null;
                    if (two is "<=" or ">=" or "<>")
                    {
                        tokens.Add(two);
                        i += 2;
                    }
                    else
                    {
                        tokens.Add(c.ToString());
                        i++;
                    }
                }
                else
                {
                    var start = i;
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '#' or ':' or '-' or '.'))
                    {
                        i++;
                    }

                    if (i == start)
                    {
                        throw new FormatException($"DynamoDB expression not supported here (character '{c}'): {text}");
                    }

                    tokens.Add(text[start..i]);
                }
            }

            return tokens;
        }
    }
}

/// <summary>Orders attribute values of one type as DynamoDB compares them (S by code point, N by value); null when they cannot be compared.</summary>
public static class AttributeValueOrder
{
    /// <summary>Negative, zero or positive as <paramref name="a"/> orders before, with or after <paramref name="b"/>.</summary>
    public static int? Compare(JsonObject? a, JsonObject? b)
    {
        if (a is null || b is null || a.Count != 1 || b.Count != 1)
        {
            return null;
        }

        var (typeA, valueA) = a.First();
        var (typeB, valueB) = b.First();
        if (typeA != typeB)
        {
            return null;
        }

        return typeA switch
        {
            "S" => string.CompareOrdinal(valueA!.GetValue<string>(), valueB!.GetValue<string>()),
            "N" => decimal.Parse(valueA!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture)
                .CompareTo(decimal.Parse(valueB!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture)),
            "BOOL" => valueA!.GetValue<bool>().CompareTo(valueB!.GetValue<bool>()),
            _ => null,
        };
    }
}
