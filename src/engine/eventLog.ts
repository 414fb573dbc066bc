/**
 * Growable columnar event log: appending writes a few typed-array cells, no object per event.
 * Positions are recorded by id and turned into account names once, when the run ends.
 */
import { type EventLog, type EventType, eventTypes } from "./result.ts";

const typeCode = new Map<EventType, number>(eventTypes.map((name, index) => [name, index]));

export class EventRecorder {
  length = 0;
  private capacity = 1024;
  private step = new Int32Array(this.capacity);
  private round = new Int32Array(this.capacity);
  private type = new Uint8Array(this.capacity);
  private position = new Int32Array(this.capacity);
  private side = new Int8Array(this.capacity);
  private quantity = new Float64Array(this.capacity);
  private price = new Float64Array(this.capacity);
  private notional = new Float64Array(this.capacity);
  private amount = new Float64Array(this.capacity);
  private insuranceFund = new Float64Array(this.capacity);

  static code(type: EventType): number {
    return typeCode.get(type) as number;
  }

  record(
    step: number,
    round: number,
    type: number,
    position: number,
    side: number,
    quantity: number,
    price: number,
    amount: number,
    insuranceFund: number,
  ): void {
    if (this.length === this.capacity) this.grow();
    const index = this.length++;
    this.step[index] = step;
    this.round[index] = round;
    this.type[index] = type;
    this.position[index] = position;
    this.side[index] = side;
    this.quantity[index] = quantity;
    this.price[index] = price;
    this.notional[index] = quantity * price;
    this.amount[index] = amount;
    this.insuranceFund[index] = insuranceFund;
  }

  private grow(): void {
    this.capacity *= 2;
    const resize = <T extends Int32Array | Uint8Array | Int8Array | Float64Array>(
      column: T,
      make: (length: number) => T,
    ): T => {
      const next = make(this.capacity);
      next.set(column);
      return next;
    };
    this.step = resize(this.step, (n) => new Int32Array(n));
    this.round = resize(this.round, (n) => new Int32Array(n));
    this.type = resize(this.type, (n) => new Uint8Array(n));
    this.position = resize(this.position, (n) => new Int32Array(n));
    this.side = resize(this.side, (n) => new Int8Array(n));
    this.quantity = resize(this.quantity, (n) => new Float64Array(n));
    this.price = resize(this.price, (n) => new Float64Array(n));
    this.notional = resize(this.notional, (n) => new Float64Array(n));
    this.amount = resize(this.amount, (n) => new Float64Array(n));
    this.insuranceFund = resize(this.insuranceFund, (n) => new Float64Array(n));
  }

  /** Trim to length and replace position ids by indexes into a compact list of account names. */
  finish(accountName: (position: number) => string): EventLog {
    const length = this.length;
    const accounts: string[] = [];
    const accountIndex = new Map<number, number>();
    const account = new Int32Array(length);
    for (let index = 0; index < length; index++) {
      const position = this.position[index];
      if (position < 0) {
        account[index] = -1;
        continue;
      }
      let compact = accountIndex.get(position);
      if (compact === undefined) {
        compact = accounts.length;
        accounts.push(accountName(position));
        accountIndex.set(position, compact);
      }
      account[index] = compact;
    }
    return {
      length,
      step: this.step.slice(0, length),
      round: this.round.slice(0, length),
      type: this.type.slice(0, length),
      account,
      side: this.side.slice(0, length),
      quantity: this.quantity.slice(0, length),
      price: this.price.slice(0, length),
      notional: this.notional.slice(0, length),
      amount: this.amount.slice(0, length),
      insuranceFund: this.insuranceFund.slice(0, length),
      accounts,
    };
  }
}
