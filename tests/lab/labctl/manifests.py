# Copyright (c) 2026 servicemesh.federation contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lab's own CustomResourceDefinitions (written from the Maistra 2.x field list) and the objects
that a cluster holds after the Maistra operator installed a control plane, before federation."""

from __future__ import annotations

# --- schema building blocks ---------------------------------------------------------------------

S = {"type": "string"}
B = {"type": "boolean"}
I32 = {"type": "integer", "format": "int32"}
I64 = {"type": "integer", "format": "int64"}
TIME = {"type": "string", "format": "date-time"}
ANY_OBJ = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
STR_MAP = {"type": "object", "additionalProperties": S}
STR_LIST = {"type": "array", "items": S}


def obj(props: dict | None = None, required: list[str] | None = None, open_: bool = False) -> dict:
    out: dict = {"type": "object"}
    if props:
        out["properties"] = props
    if required:
        out["required"] = required
    if open_:
        out["x-kubernetes-preserve-unknown-fields"] = True
    return out


def arr(items: dict, map_keys: list[str] | None = None, nullable: bool = False) -> dict:
    out: dict = {"type": "array", "items": items}
    if map_keys:
        out["x-kubernetes-list-type"] = "map"
        out["x-kubernetes-list-map-keys"] = map_keys
    if nullable:
        out["nullable"] = True
    return out


CONDITIONS = arr(obj({"type": S, "status": S, "reason": S, "message": S, "lastTransitionTime": TIME}),
                 nullable=True)

# --- ServiceMeshControlPlane (maistra.io/v2) --------------------------------------------------------

SERVICE_PORT = obj({
    "name": S, "port": I32, "nodePort": I32, "appProtocol": S,
    "protocol": {"type": "string", "default": "TCP"},
    "targetPort": {"anyOf": [{"type": "integer"}, {"type": "string"}], "x-kubernetes-int-or-string": True},
}, required=["port"])

GATEWAY_SERVICE = obj({
    "type": S,
    "metadata": obj({"labels": STR_MAP, "annotations": STR_MAP}),
    "ports": arr(SERVICE_PORT, map_keys=["port", "protocol"]),
    "externalTrafficPolicy": S,
    "loadBalancerIP": S,
    "loadBalancerSourceRanges": STR_LIST,
    "externalIPs": STR_LIST,
    "loadBalancerClass": S,
    "selector": STR_MAP,
}, open_=True)


def gateway(egress: bool) -> dict:
    props = {
        "enabled": B,
        "namespace": S,
        "routerMode": S,
        "service": GATEWAY_SERVICE,
        "runtime": ANY_OBJ,
        "volumes": {"type": "array", "items": ANY_OBJ},
    }
    if egress:
        props["requestedNetworkView"] = STR_LIST
    else:
        props["sds"] = ANY_OBJ
    return obj(props)


SMCP_SPEC = obj({
    "version": S,
    "profiles": STR_LIST,
    "cluster": obj({"name": S, "network": S, "multiCluster": ANY_OBJ, "meshExpansion": ANY_OBJ}, open_=True),
    "security": obj({
        "trust": obj({"domain": S, "additionalDomains": STR_LIST}),
        "identity": ANY_OBJ, "certificateAuthority": ANY_OBJ, "controlPlane": ANY_OBJ, "dataPlane": ANY_OBJ,
        "manageNetworkPolicy": B,
    }, open_=True),
    "gateways": obj({
        "enabled": B,
        "openshiftRoute": ANY_OBJ,
        "ingress": ANY_OBJ,
        "egress": ANY_OBJ,
        "additionalIngress": {"type": "object", "additionalProperties": gateway(egress=False)},
        "additionalEgress": {"type": "object", "additionalProperties": gateway(egress=True)},
    }, open_=True),
    "addons": ANY_OBJ, "tracing": ANY_OBJ, "general": ANY_OBJ, "policy": ANY_OBJ, "proxy": ANY_OBJ,
    "runtime": ANY_OBJ, "telemetry": ANY_OBJ, "techPreview": ANY_OBJ, "meshConfig": ANY_OBJ, "mode": S,
}, open_=True)

SMCP_STATUS = obj({
    "observedGeneration": I64,
    "operatorVersion": S,
    "chartVersion": S,
    "conditions": CONDITIONS,
    "annotations": STR_MAP,
    "readiness": obj({"components": {"type": "object", "additionalProperties": STR_LIST}}),
    "appliedSpec": ANY_OBJ,
    "appliedValues": ANY_OBJ,
    "components": {"type": "array", "items": ANY_OBJ},
}, open_=True)

# --- federation.maistra.io/v1 -----------------------------------------------------------------------

CONNECTION = {"connected": B, "lastConnected": TIME, "lastDisconnect": TIME, "lastDisconnectStatus": S,
              "lastEvent": TIME, "lastFullSync": TIME}
POD_STATUS = obj({
    "pod": S,
    "remotes": arr(obj({**CONNECTION, "source": S}, required=["connected", "source"]), map_keys=["source"]),
    "watch": obj(dict(CONNECTION), required=["connected"]),
}, required=["pod"])

PEER_SPEC = obj({
    "remote": obj({"addresses": STR_LIST, "discoveryPort": I32, "servicePort": I32}),
    "gateways": obj({"ingress": obj({"name": S}), "egress": obj({"name": S})}),
    "security": obj({
        "trustDomain": S,
        "clientID": S,
        "certificateChain": obj({"kind": S, "name": S, "apiGroup": S}, required=["kind", "name"]),
    }),
})
PEER_STATUS = obj({"discoveryStatus": obj({
    "active": arr(POD_STATUS, map_keys=["pod"], nullable=True),
    "inactive": arr(POD_STATUS, map_keys=["pod"], nullable=True),
})})

ALIAS = obj({"namespace": S, "name": S})
NAME_SELECTOR = obj({"namespace": S, "name": S, "alias": ALIAS})
SERVICE_LIST_STATUS = lambda key: obj({  # noqa: E731
    key: arr(obj({
        "exportedName": S,
        "localService": obj({"hostname": S, "name": S, "namespace": S}, required=["hostname", "name", "namespace"]),
    }, required=["exportedName", "localService"]), map_keys=["exportedName"]),
}, required=[key])

EXPORT_SPEC = obj({"exportRules": arr(obj({
    "type": S,
    "nameSelector": NAME_SELECTOR,
    "labelSelector": obj({
        "namespace": S,
        "selector": obj({
            "matchLabels": STR_MAP,
            "matchExpressions": arr(obj({"key": S, "operator": S, "values": STR_LIST}, required=["key", "operator"])),
        }),
        "aliases": arr(obj({"namespace": S, "name": S, "alias": ALIAS})),
    }),
}, required=["type"]))})

IMPORT_SPEC = obj({
    "domainSuffix": S,
    "locality": obj({"region": S, "zone": S, "subzone": S}),
    "importRules": arr(obj({
        "type": S, "importAsLocal": B, "domainSuffix": S, "nameSelector": NAME_SELECTOR,
    }, required=["type"])),
})

SMMR_STATUS = obj({
    "observedGeneration": I64, "meshGeneration": I64, "meshReconciledVersion": S,
    "annotations": STR_MAP, "conditions": CONDITIONS,
    "members": {**STR_LIST, "nullable": True}, "configuredMembers": {**STR_LIST, "nullable": True},
    "pendingMembers": {**STR_LIST, "nullable": True}, "terminatingMembers": {**STR_LIST, "nullable": True},
    "memberStatuses": arr(obj({"namespace": S, "conditions": CONDITIONS}), nullable=True),
})


def crd(group: str, kind: str, plural: str, versions: list[dict], short: list[str] | None = None,
        categories: list[str] | None = None, scope: str = "Namespaced") -> dict:
    names = {"kind": kind, "listKind": kind + "List", "plural": plural, "singular": kind.lower()}
    if short:
        names["shortNames"] = short
    if categories:
        names["categories"] = categories
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}", "labels": {"maistra-version": "2.6.5"}},
        "spec": {"group": group, "names": names, "scope": scope, "versions": versions},
    }


def version(name: str, spec: dict, status: dict | None, storage: bool = True, columns: list | None = None) -> dict:
    props = {"apiVersion": S, "kind": S, "metadata": {"type": "object"}, "spec": spec}
    if status is not None:
        props["status"] = status
    out = {"name": name, "served": True, "storage": storage,
           "schema": {"openAPIV3Schema": {"type": "object", "properties": props}}}
    if status is not None:
        out["subresources"] = {"status": {}}
    if columns:
        out["additionalPrinterColumns"] = columns
    return out


def col(name: str, path: str, type_: str = "string", priority: int = 0) -> dict:
    out = {"name": name, "jsonPath": path, "type": type_}
    if priority:
        out["priority"] = priority
    return out


AGE = col("Age", ".metadata.creationTimestamp", "date")


def crds() -> list[dict]:
    smcp_cols = [col("Ready", ".status.annotations.readyComponentCount"),
                 col("Status", '.status.conditions[?(@.type=="Ready")].reason'),
                 col("Profiles", ".status.appliedSpec.profiles", priority=1),
                 col("Version", ".status.chartVersion"), AGE]
    dr_spec = obj(open_=True)
    dr_status = obj(open_=True)
    return [
        crd("maistra.io", "ServiceMeshControlPlane", "servicemeshcontrolplanes",
            [version("v2", SMCP_SPEC, SMCP_STATUS, columns=smcp_cols)], short=["smcp"], categories=["maistra-io"]),
        crd("maistra.io", "ServiceMeshMemberRoll", "servicemeshmemberrolls",
            [version("v1", obj({"members": {**STR_LIST, "nullable": True},
                                "memberSelectors": {"type": "array", "items": ANY_OBJ}}), SMMR_STATUS,
                     columns=[col("Ready", ".status.annotations.configuredMemberCount"),
                              col("Status", '.status.conditions[?(@.type=="Ready")].reason'), AGE,
                              col("Members", ".status.members", priority=1)])],
            short=["smmr"], categories=["maistra-io"]),
        crd("federation.maistra.io", "ServiceMeshPeer", "servicemeshpeers",
            [version("v1", PEER_SPEC, PEER_STATUS)], categories=["maistra-io"]),
        crd("federation.maistra.io", "ExportedServiceSet", "exportedservicesets",
            [version("v1", EXPORT_SPEC, SERVICE_LIST_STATUS("exportedServices"))], categories=["maistra-io"]),
        crd("federation.maistra.io", "ImportedServiceSet", "importedservicesets",
            [version("v1", IMPORT_SPEC, SERVICE_LIST_STATUS("importedServices"))], categories=["maistra-io"]),
        crd("networking.istio.io", "DestinationRule", "destinationrules",
            [version("v1alpha3", dr_spec, dr_status, storage=True),
             version("v1beta1", dr_spec, dr_status, storage=False),
             version("v1", dr_spec, dr_status, storage=False)],
            short=["dr"], categories=["istio-io", "networking-istio-io"]),
    ]


# --- the cluster as the operator leaves it ------------------------------------------------------------

SAMPLE_SERVICES = [
    # name, labels, annotations
    ("ratings", {"app": "ratings", "export-service": "true"}, {}),
    ("reviews", {"app": "reviews", "export-service": "true"}, {}),
    ("details", {"app": "details"}, {}),
    # visible only in its own namespace: never a candidate for export
    ("productpage", {"app": "productpage"}, {"networking.istio.io/exportTo": "."}),
]


def namespace(name: str, labels: dict | None = None) -> dict:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels or {}}}


def sample_service(ns: str, name: str, labels: dict, annotations: dict) -> dict:
    return {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": ns, "labels": labels, "annotations": annotations},
        "spec": {"selector": {"app": name}, "ports": [{"name": "http", "port": 9080, "targetPort": 9080}]},
    }


def member_roll(cp_ns: str, members: list[str]) -> dict:
    return {"apiVersion": "maistra.io/v1", "kind": "ServiceMeshMemberRoll",
            "metadata": {"name": "default", "namespace": cp_ns}, "spec": {"members": members}}


def smcp(name: str, cp_ns: str, smcp_version: str) -> dict:
    """A control plane with ordinary user settings and no federation."""
    return {
        "apiVersion": "maistra.io/v2", "kind": "ServiceMeshControlPlane",
        "metadata": {"name": name, "namespace": cp_ns},
        "spec": {
            "version": smcp_version,
            "tracing": {"type": "None", "sampling": 10000},
            "addons": {"grafana": {"enabled": True}, "kiali": {"enabled": True}, "prometheus": {"enabled": True}},
            "policy": {"type": "Istiod"},
            "telemetry": {"type": "Istiod"},
            "general": {"logging": {"componentLevels": {"default": "info"}}},
            "proxy": {"accessLogging": {"file": {"name": "/dev/stdout"}}},
            "gateways": {
                "ingress": {"enabled": True, "service": {"type": "ClusterIP"}},
                "egress": {"enabled": True},
                "openshiftRoute": {"enabled": False},
                "additionalIngress": {
                    "public-ingress": {
                        "enabled": True,
                        "service": {"type": "ClusterIP",
                                    "metadata": {"labels": {"app.example.com/tier": "edge"}},
                                    "ports": [{"name": "http2", "port": 80, "targetPort": 8080},
                                              {"name": "https", "port": 443, "targetPort": 8443}]},
                    },
                },
            },
        },
    }


def node(name: str, internal_ip: str, external_ip: str, region: str, zone: str) -> dict:
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {
            "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
            "node-role.kubernetes.io/worker": "",
            "topology.kubernetes.io/region": region, "topology.kubernetes.io/zone": zone,
        }},
        "spec": {},
        "status": {"addresses": [{"type": "InternalIP", "address": internal_ip},
                                 {"type": "ExternalIP", "address": external_ip},
                                 {"type": "Hostname", "address": name}]},
    }
