using System.Text.Json.Nodes;

namespace EdgeMlOps.Testing.StateMachines;

/// <summary>
/// How each Task state of one execution is answered, plus Lambda environment overrides.
/// A Task call is answered by the first match of: answers registered for its state name, answers registered for
/// its resource, the real C# Lambda handler (for <c>arn:aws:states:::lambda:invoke</c> or a function ARN).
/// A call nothing answers stops the run with <see cref="StateMachineHarnessException"/> naming the state and resource.
/// A scenario is used by one run at a time (its queues advance); build a fresh one per test.
/// </summary>
public sealed class Scenario
{
    private readonly Dictionary<string, AnswerQueue> _answers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _lambdaEnvironment = new(StringComparer.Ordinal);

    /// <summary>What happens after the last queued answer. Default: <see cref="WhenAnswersRunOut.RepeatLast"/>.</summary>
    public WhenAnswersRunOut WhenAnswersRunOut { get; init; } = WhenAnswersRunOut.RepeatLast;

    /// <summary>
    /// If true, Wait states and Retry intervals take their real time. Default: false (they take none, so bounded
    /// polling loops finish at once).
    /// </summary>
    public bool RealWaits { get; init; }

    /// <summary>The run is aborted (and <see cref="LocalStateMachine.RunAsync"/> throws) after this long. Default: 2 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Queues answers for a state name or a Task resource ARN (exact match, including suffixes such as
    /// <c>.sync</c> or <c>.waitForTaskToken</c>). Calls consume the queue in order; calling this again for the same
    /// key appends. For a <c>.waitForTaskToken</c> task the answer is what the token's receiver sends back
    /// (<c>SendTaskSuccess</c> output, or a failure as with <c>SendTaskFailure</c>).
    /// </summary>
    public Scenario Respond(string stateNameOrResource, params TaskAnswer[] answers)
    {
        ArgumentException.ThrowIfNullOrEmpty(stateNameOrResource);
        if (answers.Length == 0)
        {
            throw new ArgumentException($"Give at least one answer for '{stateNameOrResource}'.", nameof(answers));
        }

        if (!_answers.TryGetValue(stateNameOrResource, out var queue))
        {
            _answers[stateNameOrResource] = queue = new AnswerQueue(stateNameOrResource);
        }

        queue.Add(answers);
        return this;
    }

    /// <summary>Shorthand: <see cref="Respond(string, TaskAnswer[])"/> with results given as JSON texts.</summary>
    public Scenario Respond(string stateNameOrResource, params string[] resultsJson) =>
        Respond(stateNameOrResource, [.. resultsJson.Select(TaskAnswer.Return)]);

    /// <summary>Every call for the state name or resource goes to a stateful handler.</summary>
    public Scenario Handle(string stateNameOrResource, ITaskHandler handler) =>
        Respond(stateNameOrResource, TaskAnswer.From(handler));

    /// <summary>Every call for the state name or resource is answered by a callback on the resolved parameters.</summary>
    public Scenario Handle(string stateNameOrResource, Func<JsonNode?, JsonNode?> fromParameters) =>
        Respond(stateNameOrResource, TaskAnswer.Compute(fromParameters));

    /// <summary>
    /// Sets (or, with null, removes) an environment variable for every Lambda handler run in this scenario, on top
    /// of the function's <c>Environment.Variables</c> from the template; e.g. <c>AWS_ENDPOINT_URL_S3</c>.
    /// </summary>
    public Scenario WithLambdaEnvironment(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _lambdaEnvironment[name] = value;
        return this;
    }

    /// <summary>Sets several Lambda environment variables, e.g. <see cref="S3rverServer.ClientEnvironment"/>.</summary>
    public Scenario WithLambdaEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        foreach (var (name, value) in variables)
        {
            WithLambdaEnvironment(name, value);
        }

        return this;
    }

    internal IReadOnlyDictionary<string, string?> LambdaEnvironment => _lambdaEnvironment;

    /// <summary>The queue for a call, by state name first, then by resource; null if none.</summary>
    internal AnswerQueue? QueueFor(TaskCall call) =>
        _answers.GetValueOrDefault(call.StateName) ?? _answers.GetValueOrDefault(call.Resource);

    internal sealed class AnswerQueue(string key)
    {
        private readonly List<TaskAnswer> _answers = [];
        private int _next;

        public string Key { get; } = key;

        public void Add(IEnumerable<TaskAnswer> answers)
        {
            lock (_answers)
            {
                _answers.AddRange(answers);
            }
        }

        /// <summary>The next answer, or null when the queue is used up and <paramref name="whenRunOut"/> is Fail.</summary>
        public TaskAnswer? Next(WhenAnswersRunOut whenRunOut)
        {
            lock (_answers)
            {
                if (_next < _answers.Count)
                {
                    return _answers[_next++];
                }

                return whenRunOut == WhenAnswersRunOut.RepeatLast ? _answers[^1] : null;
            }
        }

        public int Count
        {
            get
            {
                lock (_answers)
                {
                    return _answers.Count;
                }
            }
        }
    }
}
