using System.Xml.Linq;

namespace StaticOffload.Tests;

/// <summary>
/// The package's props file states each default for users to read and override; the engine holds the value it
/// falls back to. They are one list.
/// </summary>
public class DefaultsTests
{
    private static readonly Lazy<Dictionary<string, string>> Props = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "StaticOffload.Build.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("The repository root was not found above the test output.");
        }

        var props = XDocument.Load(Path.Combine(directory.FullName, "src", "StaticOffload.Build", "build", "StaticOffload.Build.props"));
        return props.Descendants("PropertyGroup").Elements().ToDictionary(e => e.Name.LocalName, e => e.Value.Trim(), StringComparer.Ordinal);
    });

    public static TheoryData<string, string> Documented => new()
    {
        { "StaticOffloadDelete", Defaults.Delete ? "true" : "false" },
        { "StaticOffloadMaxDeletes", $"{Defaults.MaxDeletes}" },
        { "StaticOffloadConcurrency", $"{Defaults.Concurrency}" },
        { "StaticOffloadTimeout", $"{Defaults.TimeoutSeconds}" },
        { "StaticOffloadRemoteState", Defaults.RemoteState ? "true" : "false" },
        { "StaticOffloadInvalidationMaxPaths", $"{Defaults.InvalidationMaxPaths}" },
        { "StaticOffloadCompressedAssets", $"{Defaults.CompressedAssets}" },
        { "StaticOffloadEndpointHeaders", Defaults.HeadersFromEndpoints ? "true" : "false" },
        { "StaticOffloadDeleteAfterDeploys", "0" },
        { "StaticOffloadDeleteAfterHours", "0" },
        { "StaticOffloadLockTimeout", $"{Defaults.LockTimeoutSeconds}" },
        { "StaticOffloadRequireCoordination", Defaults.RequireCoordination ? "true" : "false" },
        { "StaticOffloadHistoryDepth", $"{Defaults.HistoryDepth}" },
        { "StaticOffloadForce", Defaults.Force ? "true" : "false" },
        { "StaticOffloadCloudFrontWait", Defaults.CloudFrontWait ? "true" : "false" },
    };

    [Theory]
    [MemberData(nameof(Documented))]
    public void The_props_file_states_the_engine_default(string property, string value)
    {
        Assert.Equal(value, Props.Value[property]);
    }
}
