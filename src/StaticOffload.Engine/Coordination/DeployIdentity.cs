namespace StaticOffload.Coordination;

/// <summary>
/// Who runs a deploy, as far as the machine and the CI system say: written into the lease (so a waiting deploy can
/// name the one it waits for) and into the deploy history. Only names, ids and links; never a token or a variable
/// that could hold one.
/// </summary>
/// <param name="Host">The machine's name.</param>
/// <param name="Ci">The CI system, e.g. "GitHub Actions"; null on a developer's machine.</param>
/// <param name="RunId">The CI run or job id.</param>
/// <param name="RunUrl">A link to the run or job, without user-info or query.</param>
/// <param name="Revision">The source revision deployed (SourceRevisionId, else the CI's commit), when known.</param>
public sealed record DeployIdentity(string Host, string? User = null, string? Ci = null, string? RunId = null, string? RunUrl = null,
    string? Revision = null)
{
    /// <summary>This machine and process, from its environment.</summary>
    public static DeployIdentity Current(string? sourceRevisionId) =>
        FromEnvironment(Environment.GetEnvironmentVariable, sourceRevisionId, Environment.MachineName, Environment.UserName);

    /// <param name="variable">Reads one environment variable (null when unset).</param>
    public static DeployIdentity FromEnvironment(Func<string, string?> variable, string? sourceRevisionId, string host, string? user)
    {
        string? Get(string name) => variable(name) is { Length: > 0 } value ? value.Trim() : null;

        var identity = new DeployIdentity(Short(host) ?? "unknown", Short(user));
        if (Get("GITHUB_ACTIONS") == "true" || Get("GITHUB_RUN_ID") is not null)
        {
            var runId = Get("GITHUB_RUN_ID");
            var url = Get("GITHUB_SERVER_URL") is { } server && Get("GITHUB_REPOSITORY") is { } repository && runId is not null
                ? $"{server.TrimEnd('/')}/{repository}/actions/runs/{runId}"
                : null;
            identity = identity with { Ci = "GitHub Actions", RunId = runId, RunUrl = url, Revision = Get("GITHUB_SHA") };
        }
        else if (Get("GITLAB_CI") is not null)
        {
            identity = identity with { Ci = "GitLab CI", RunId = Get("CI_JOB_ID"), RunUrl = Get("CI_JOB_URL"), Revision = Get("CI_COMMIT_SHA") };
        }
        else if (Get("TF_BUILD") is not null || Get("BUILD_BUILDURI") is not null)
        {
            var buildId = Get("BUILD_BUILDID");
            var url = Get("SYSTEM_COLLECTIONURI") is { } collection && Get("SYSTEM_TEAMPROJECT") is { } project && buildId is not null
                ? $"{collection.TrimEnd('/')}/{Uri.EscapeDataString(project)}/_build/results?buildId={buildId}"
                : Get("BUILD_BUILDURI");
            identity = identity with { Ci = "Azure Pipelines", RunId = buildId, RunUrl = url, Revision = Get("BUILD_SOURCEVERSION") };
        }
        else if (Get("JENKINS_URL") is not null)
        {
            identity = identity with { Ci = "Jenkins", RunId = Get("BUILD_ID"), RunUrl = Get("BUILD_URL"), Revision = Get("GIT_COMMIT") };
        }
        else if (Get("CIRCLECI") is not null)
        {
            identity = identity with { Ci = "CircleCI", RunId = Get("CIRCLE_BUILD_NUM"), RunUrl = Get("CIRCLE_BUILD_URL"), Revision = Get("CIRCLE_SHA1") };
        }
        else if (Get("BUILDKITE") is not null)
        {
            identity = identity with { Ci = "Buildkite", RunId = Get("BUILDKITE_BUILD_ID"), RunUrl = Get("BUILDKITE_BUILD_URL"), Revision = Get("BUILDKITE_COMMIT") };
        }
        else if (Get("CI") is not null)
        {
            identity = identity with { Ci = "CI" };
        }

        return identity with
        {
            RunId = Short(identity.RunId),
            RunUrl = SafeUrl(identity.RunUrl),
            Revision = Short(sourceRevisionId) ?? Short(identity.Revision),
        };
    }

    /// <summary>"host 'agent-7' (GitHub Actions run 123: https://…)": how messages and the history table name a deploy.</summary>
    public string Describe()
    {
        var who = User is null ? $"'{Host}'" : $"'{User}@{Host}'";
        if (Ci is null)
        {
            return who;
        }

        var run = RunId is null ? Ci : $"{Ci} run {RunId}";
        return RunUrl is null ? $"{who} ({run})" : $"{who} ({run}: {RunUrl})";
    }

    /// <summary>An http(s) link without user-info, query or fragment; anything else is dropped.</summary>
    internal static string? SafeUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        var path = uri.AbsolutePath;
        // Azure Pipelines' results link keeps its build id, the one query worth keeping.
        var query = uri.Query.StartsWith("?buildId=", StringComparison.Ordinal) && uri.Query.Skip(9).All(char.IsAsciiDigit) ? uri.Query : "";
        return Short($"{uri.Scheme}://{uri.Authority.Split('@')[^1]}{path}{query}");
    }

    /// <summary>Printable and bounded: these values come from the environment and are shown to others.</summary>
    private static string? Short(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var clean = new string(value.Trim().Where(c => !char.IsControl(c)).ToArray());
        return clean.Length <= 200 ? clean : clean[..200];
    }
}
