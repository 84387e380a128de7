package main

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/connectbot/connectbot/internal/appmanifest"
	"github.com/connectbot/connectbot/internal/forge"
	"github.com/connectbot/connectbot/internal/settings"
)

// kubernetesDir holds the manifests `kubectl apply -k` takes.
const kubernetesDir = "../../deploy/kubernetes"

// kustomization is the part of kustomization.yaml that is used here,
// decoded strictly: a field it does not name fails the test.
type kustomization struct {
	APIVersion string   `json:"apiVersion"`
	Kind       string   `json:"kind"`
	Resources  []string `json:"resources"`
	Images     []struct {
		Name   string `json:"name"`
		NewTag string `json:"newTag"`
	} `json:"images"`
	ConfigMapGenerator []struct {
		Name string   `json:"name"`
		Envs []string `json:"envs"`
	} `json:"configMapGenerator"`
	SecretGenerator []struct {
		Name  string   `json:"name"`
		Files []string `json:"files"`
	} `json:"secretGenerator"`
}

// kubernetesObjects are the manifests of deploy/kubernetes, each decoded
// strictly into its Kubernetes API type.
type kubernetesObjects struct {
	kustomization kustomization
	deployment    appsv1.Deployment
	service       corev1.Service
	pdb           policyv1.PodDisruptionBudget
}

// readKubernetes decodes kustomization.yaml and every resource it lists;
// a YAML file of the directory it does not list fails the test.
func readKubernetes(t *testing.T) kubernetesObjects {
	t.Helper()
	var k kubernetesObjects
	strict(t, "kustomization.yaml", &k.kustomization)
	yamls, _ := filepath.Glob(filepath.Join(kubernetesDir, "*.yaml"))
	for _, f := range yamls {
		if name := filepath.Base(f); name != "kustomization.yaml" && !slices.Contains(k.kustomization.Resources, name) {
			t.Errorf("%s is not among kustomization.yaml's resources", name)
		}
	}
	for _, res := range k.kustomization.Resources {
		var meta struct {
			Kind string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(mustRead(t, filepath.Join(kubernetesDir, res))), &meta); err != nil {
			t.Fatalf("%s: %v", res, err)
		}
		switch meta.Kind {
		case "Deployment":
			strict(t, res, &k.deployment)
		case "Service":
			strict(t, res, &k.service)
		case "PodDisruptionBudget":
			strict(t, res, &k.pdb)
		default:
			t.Errorf("%s: a %q, which this test does not check", res, meta.Kind)
		}
	}
	return k
}

// strict decodes the manifest name into v, refusing fields v lacks.
func strict(t *testing.T, name string, v any) {
	t.Helper()
	if err := yaml.UnmarshalStrict([]byte(mustRead(t, filepath.Join(kubernetesDir, name))), v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// TestKubernetesManifests checks what deploy/kubernetes promises: two
// replicas of serve, liveness on /livez and readiness on /readyz, a pod
// that runs as nobody with nothing to escalate to, the App's credentials
// mounted as files from a Secret, a Service and a PodDisruptionBudget
// that select the pods, and an exact image tag.
func TestKubernetesManifests(t *testing.T) {
	k := readKubernetes(t)
	d := k.deployment
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("%d containers, want connectbot alone", len(pod.Containers))
	}
	c := pod.Containers[0]
	if d.Spec.Replicas == nil || *d.Spec.Replicas != 2 {
		t.Errorf("replicas %v, want 2", d.Spec.Replicas)
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
	}
	got := map[string]string{}
	for name, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if probe == nil || probe.HTTPGet == nil {
			t.Errorf("no HTTP %s probe", name)
			continue
		}
		got[name] = fmt.Sprintf("%s on %d", probe.HTTPGet.Path, ports[probe.HTTPGet.Port.StrVal])
	}
	if diff := cmp.Diff(map[string]string{"liveness": "/livez on 8080", "readiness": "/readyz on 8080"}, got); diff != "" {
		t.Errorf("probes (-want +got):\n%s", diff)
	}
	if want := []string{"serve", "--addr=0.0.0.0:8080", "--metrics-addr=0.0.0.0:9090", "--log-format=json"}; !cmp.Equal(want, c.Args) || ports["metrics"] != 9090 {
		t.Errorf("args %q and ports %v, want %q with the ports named http and metrics", c.Args, ports, want)
	}
	checkNonRoot(t, pod, c)
	checkSecretFiles(t, k, pod, c)

	selector := d.Spec.Selector.MatchLabels
	if !cmp.Equal(selector, d.Spec.Template.Labels) {
		t.Errorf("the Deployment selects %v, its pods are labelled %v", selector, d.Spec.Template.Labels)
	}
	if !cmp.Equal(k.service.Spec.Selector, selector) || len(k.service.Spec.Ports) != 1 || k.service.Spec.Ports[0].TargetPort != intstr.FromString("http") {
		t.Errorf("the Service selects %v on %v, want the pods' %v on their port http", k.service.Spec.Selector, k.service.Spec.Ports, selector)
	}
	if k.pdb.Spec.Selector == nil || !cmp.Equal(k.pdb.Spec.Selector.MatchLabels, selector) ||
		k.pdb.Spec.MinAvailable == nil || k.pdb.Spec.MinAvailable.IntVal < 1 || k.pdb.Spec.MinAvailable.IntVal >= *d.Spec.Replicas {
		t.Errorf("the PodDisruptionBudget selects %v with minAvailable %v, want the pods with at least one of the replicas and fewer than all", k.pdb.Spec.Selector, k.pdb.Spec.MinAvailable)
	}
	if pod.TerminationGracePeriodSeconds == nil || *pod.TerminationGracePeriodSeconds <= 25 {
		t.Errorf("terminationGracePeriodSeconds %v: serve drains for --grace (25s) after SIGTERM and needs longer", pod.TerminationGracePeriodSeconds)
	}
	if len(k.kustomization.Images) != 1 || k.kustomization.Images[0].Name != c.Image || k.kustomization.Images[0].NewTag == "" || k.kustomization.Images[0].NewTag == "latest" {
		t.Errorf("images %+v for the container's %q: want one exact tag for it", k.kustomization.Images, c.Image)
	}
}

// checkNonRoot asserts that the pod runs as a user without privileges and
// the container can gain none.
func checkNonRoot(t *testing.T, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	psc, csc := pod.SecurityContext, c.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot || psc.RunAsUser == nil || *psc.RunAsUser == 0 {
		t.Fatalf("the pod's security context %+v does not run as a user other than root", psc)
	}
	if psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("seccomp %v, want RuntimeDefault", psc.SeccompProfile)
	}
	if csc == nil || csc.AllowPrivilegeEscalation == nil || *csc.AllowPrivilegeEscalation ||
		csc.ReadOnlyRootFilesystem == nil || !*csc.ReadOnlyRootFilesystem ||
		csc.Capabilities == nil || !slices.Equal(csc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(csc.Capabilities.Add) > 0 {
		t.Errorf("the container's security context %+v: want no privilege escalation, a read-only root and every capability dropped", csc)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the pod mounts a service account token it never uses")
	}
}

// checkSecretFiles asserts that the App's credentials reach serve as files
// of the Secret app create's files make, readable by the pod's user, and
// that serve takes the environment the pod gets.
func checkSecretFiles(t *testing.T, k kubernetesObjects, pod corev1.PodSpec, c corev1.Container) {
	t.Helper()
	if len(k.kustomization.SecretGenerator) != 1 {
		t.Fatalf("secretGenerator %+v, want the App's Secret", k.kustomization.SecretGenerator)
	}
	gen := k.kustomization.SecretGenerator[0]
	var keys []string
	for _, f := range gen.Files {
		keys = append(keys, path.Base(f))
	}
	if want := []string{appmanifest.AppIDFile, appmanifest.PrivateKeyFile, appmanifest.WebhookSecretFile}; !cmp.Equal(want, keys) {
		t.Errorf("the Secret is made of %q, want app create's files %q", keys, want)
	}
	// What app create would write, where the Secret's files come from.
	appDir := filepath.Join(t.TempDir(), "connectbot-app")
	_, pemKey := testAppKey(t)
	if _, err := appmanifest.WriteCredentials(appDir, forge.App{ID: 42, PEM: string(pemKey), WebhookSecret: "whsec"}); err != nil {
		t.Fatal(err)
	}

	mounted := map[string]string{} // a path in the container → the file it holds here
	for _, m := range c.VolumeMounts {
		for _, v := range pod.Volumes {
			if v.Name != m.Name || v.Secret == nil {
				continue
			}
			if v.Secret.SecretName != gen.Name || !m.ReadOnly {
				t.Errorf("volume %s mounts Secret %q (read-only %v), want %q read-only", v.Name, v.Secret.SecretName, m.ReadOnly, gen.Name)
			}
			if v.Secret.DefaultMode == nil || *v.Secret.DefaultMode&0o040 == 0 || *v.Secret.DefaultMode&0o007 != 0 ||
				pod.SecurityContext.FSGroup == nil || *pod.SecurityContext.FSGroup != *pod.SecurityContext.RunAsGroup {
				t.Errorf("the Secret's files (mode %s, fsGroup %s) must be readable by the pod's group (fsGroup, the user's group) and no one else", show(v.Secret.DefaultMode, "%#o"), show(pod.SecurityContext.FSGroup, "%d"))
			}
			for _, item := range v.Secret.Items {
				mounted[path.Join(m.MountPath, item.Path)] = filepath.Join(appDir, item.Key)
			}
		}
	}

	env := readEnvFile(t, filepath.Join(kubernetesDir, k.kustomization.ConfigMapGenerator[0].Envs[0]))
	for _, e := range c.Env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil && e.ValueFrom.SecretKeyRef.Name == gen.Name:
			env[e.Name] = mustRead(t, filepath.Join(appDir, e.ValueFrom.SecretKeyRef.Key))
		case strings.HasSuffix(e.Name, "_FILE"):
			if mounted[e.Value] == "" {
				t.Errorf("%s=%s is not a file of the mounted Secret %v", e.Name, e.Value, mounted)
			}
			env[e.Name] = mounted[e.Value]
		default:
			t.Errorf("%s: connectbot takes its secrets from the mounted files, nothing else from the pod's spec", e.Name)
		}
	}
	getenv := func(k string) string { return env[k] }
	set := settings.Declare(settings.Serve, newFlags("serve"))
	if err := set.Validate(getenv); err != nil {
		t.Fatalf("serve refuses the pod's environment: %v", err)
	}
	if len(set.Secrets) != 1 || string(set.Secrets[0]) != "whsec" {
		t.Errorf("the webhook secrets read %q; want app create's", set.Secrets)
	}
	cfg := withSettings(serveConfig{}, set)
	if cfg.Credentials.AppID != 42 || cfg.Credentials.InstallationID == 0 || string(cfg.Credentials.Key) != strings.TrimSpace(string(pemKey)) || cfg.GitHub.Repo == "" {
		t.Errorf("serve's credentials from the pod's environment: %v, repository %q", cfg.Credentials, cfg.GitHub.Repo)
	}
}

// readEnvFile reads a configMapGenerator's KEY=VALUE lines.
func readEnvFile(t *testing.T, name string) map[string]string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: %q is not KEY=VALUE", name, line)
		}
		env[k] = v
	}
	return env
}

// show formats *p, or "unset".
func show[T any](p *T, format string) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprintf(format, *p)
}
