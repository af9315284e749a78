namespace EdgeMlOps.Cdk.EdgeDeployment.Fleet;

/// <summary>
/// The MQTT topics of the inference component under <c>edge.topicPrefix</c>: per-frame results and the periodic
/// health message, one topic pair per device (<c>&lt;prefix&gt;/&lt;thingName&gt;/inference/{results,health}</c>).
/// </summary>
public sealed record ComponentTopics(string Prefix)
{
    /// <summary>The results topic with <paramref name="thingName"/> in place (an IoT policy variable or a recipe variable).</summary>
    public string Results(string thingName) => $"{Prefix}/{thingName}/inference/results";

    /// <summary>The health topic with <paramref name="thingName"/> in place.</summary>
    public string Health(string thingName) => $"{Prefix}/{thingName}/inference/health";

    /// <summary>Every device's health topic, as an IoT rule topic filter.</summary>
    public string AllHealth => Health("+");

    /// <summary>Placeholder the component replaces with its thing name (see the component's RuntimeSettings).</summary>
    public const string ComponentThingNamePlaceholder = "{thingName}";

    /// <summary>IoT policy variable of the connected thing's name.</summary>
    public const string PolicyThingName = "${iot:Connection.Thing.ThingName}";
}
