// The shape of a service model as scripts/gen-models.mjs writes it (botocore's service-2.json minus
// documentation, restricted to the operations Tessera serves). Pure data: no behaviour lives here,
// and nothing here may be filled in by hand — the generated src/services/<svc>/model.ts are the values.

export type Protocol = 'query' | 'ec2';

export interface ServiceMetadata {
  readonly service: 'iam' | 'sts' | 'ec2';
  /** botocore `protocol`: `query` is awsQuery (IAM, STS), `ec2` is EC2's variant of it. */
  readonly protocol: Protocol;
  readonly apiVersion: string;
  /** The namespace of every success (and awsQuery error) document, with its trailing slash. */
  readonly xmlNamespace: string;
}

/** A structure member, list member or map key/value: the target shape plus how it is named on the wire. */
export interface MemberRef {
  readonly shape: string;
  readonly locationName?: string;
  /** EC2 only: the request key, taking precedence over the capitalized locationName. */
  readonly queryName?: string;
  readonly flattened?: boolean;
}

export interface OperationModel {
  readonly name: string;
  readonly input?: string;
  readonly output?: string;
  /** awsQuery: the element between `<OpResponse>` and the members, `<OpResult>`. */
  readonly resultWrapper?: string;
  /** The error shapes the model lists; each is a structure with `error`. */
  readonly errors: readonly string[];
}

export interface ErrorTrait {
  readonly code: string;
  readonly httpStatusCode: number;
  readonly senderFault: boolean;
}

interface ShapeBase {
  /** The value must never be echoed (error messages, logs). */
  readonly sensitive?: boolean;
}

export interface StructureShape extends ShapeBase {
  readonly type: 'structure';
  /** In model order, which is also the order of elements in responses. */
  readonly members: Readonly<Record<string, MemberRef>>;
  readonly required?: readonly string[];
  readonly exception?: boolean;
  readonly error?: ErrorTrait;
}

export interface ListShape extends ShapeBase {
  readonly type: 'list';
  readonly member: MemberRef;
  readonly flattened?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export interface MapShape extends ShapeBase {
  readonly type: 'map';
  readonly key: MemberRef;
  readonly value: MemberRef;
  readonly flattened?: boolean;
  readonly min?: number;
  readonly max?: number;
}

export interface StringShape extends ShapeBase {
  readonly type: 'string';
  /** Length bounds in Unicode code points. */
  readonly min?: number;
  readonly max?: number;
  /** botocore's Java-style regular expression, matched against the whole value. */
  readonly pattern?: string;
  readonly enum?: readonly string[];
}

export interface NumberShape extends ShapeBase {
  /** botocore `float` is generated as `double`: both are a JS number on this side. */
  readonly type: 'integer' | 'long' | 'double';
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanShape extends ShapeBase {
  readonly type: 'boolean';
}

export interface TimestampShape extends ShapeBase {
  readonly type: 'timestamp';
}

export interface BlobShape extends ShapeBase {
  readonly type: 'blob';
  readonly min?: number;
  readonly max?: number;
}

export type Shape = StructureShape | ListShape | MapShape | StringShape | NumberShape | BooleanShape | TimestampShape | BlobShape;

export interface ServiceModel {
  readonly metadata: ServiceMetadata;
  readonly operations: Readonly<Record<string, OperationModel>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}
