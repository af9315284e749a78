using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeMlOps.Edge.TestNucleus;

namespace EdgeMlOps.LocalTwin.Device;

/// <summary>
/// What reached "AWS IoT Core" from every device: each nucleus's <c>PublishToIoTCore</c> requests, in one place,
/// for the health topic rule and the report.
/// </summary>
public sealed class IotCoreMessages
{
    private readonly ConcurrentQueue<(string ThingName, TestNucleus Nucleus)> _sources = new();

    public void Attach(string thingName, TestNucleus nucleus) => _sources.Enqueue((thingName, nucleus));

    /// <summary>Every message published so far, oldest first.</summary>
    public IReadOnlyList<PublishedMessage> All() =>
        [.. _sources.SelectMany(s => s.Nucleus.Publishes.Snapshot()).OrderBy(m => m.ReceivedAt)];

    /// <summary>Messages whose topic matches an MQTT topic filter (<c>+</c> one level, <c>#</c> the rest).</summary>
    public IReadOnlyList<PublishedMessage> Matching(string topicFilter) => [.. All().Where(m => TopicFilter.Matches(topicFilter, m.TopicName))];

    /// <summary>The JSON payloads of <see cref="Matching"/>.</summary>
    public IReadOnlyList<JsonObject> Payloads(string topicFilter) =>
        [.. Matching(topicFilter).Select(m => JsonNode.Parse(m.Payload) as JsonObject).OfType<JsonObject>()];
}

/// <summary>MQTT topic filter matching, as AWS IoT Core applies it to rules and subscriptions.</summary>
public static class TopicFilter
{
    public static bool Matches(string filter, string topic)
    {
        var f = filter.Split('/');
        var t = topic.Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                return true;
            }

            if (i >= t.Length || (f[i] != "+" && f[i] != t[i]))
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }
}
