/**
 * Growable columnar event log: appending writes a few typed-array cells, no object per event.
 * Positions are recorded by id; only the writers that print them turn ids into names.
 */
import { type EventLog, type EventType, eventTypes } from "./result.ts";
import { grown } from "./typedArrays.ts";

const typeCode = new Map<EventType, number>(eventTypes.map((name, index) => [name, index]));

export class EventRecorder {
  length = 0;
  private capacity: number;
  private step: Int32Array;
  private round: Int32Array;
  private type: Uint8Array;
  private position: Int32Array;
  private side: Int8Array;
  private market: Uint16Array;
  private quantity: Float64Array;
  private price: Float64Array;
  private notional: Float64Array;
  private amount: Float64Array;
  private insuranceFund: Float64Array;
  /**
   * (effective leverage, PnL %) of the winner just before each `adl` event, in event order. A
   * column of its own so that runs without ADL, or with few closes, do not pay for it per event.
   */
  private adlStanding = new Float64Array(0);
  private adlStandingLength = 0;

  /** `expected`: a guess of the event count; a cascade logs about two events per position. */
  constructor(expected: number) {
    this.capacity = Math.max(1024, expected);
    this.step = new Int32Array(this.capacity);
    this.round = new Int32Array(this.capacity);
    this.type = new Uint8Array(this.capacity);
    this.position = new Int32Array(this.capacity);
    this.side = new Int8Array(this.capacity);
    this.market = new Uint16Array(this.capacity);
    this.quantity = new Float64Array(this.capacity);
    this.price = new Float64Array(this.capacity);
    this.notional = new Float64Array(this.capacity);
    this.amount = new Float64Array(this.capacity);
    this.insuranceFund = new Float64Array(this.capacity);
  }

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
    market: number,
  ): void {
    if (this.length === this.capacity) this.grow();
    const index = this.length++;
    this.step[index] = step;
    this.round[index] = round;
    this.type[index] = type;
    this.position[index] = position;
    this.side[index] = side;
    this.market[index] = market;
    this.quantity[index] = quantity;
    this.price[index] = price;
    this.notional[index] = quantity * price;
    this.amount[index] = amount;
    this.insuranceFund[index] = insuranceFund;
  }

  /** Call right after recording an `adl` event, with that winner's standing before the close. */
  recordAdlStanding(effectiveLeverage: number, pnlPercent: number): void {
    if (this.adlStandingLength === this.adlStanding.length) {
      this.adlStanding = grown(this.adlStanding, Math.max(256, 2 * this.adlStanding.length));
    }
    this.adlStanding[this.adlStandingLength++] = effectiveLeverage;
    this.adlStanding[this.adlStandingLength++] = pnlPercent;
  }

  private grow(): void {
    this.capacity *= 2;
    const capacity = this.capacity;
    this.step = grown(this.step, capacity);
    this.round = grown(this.round, capacity);
    this.type = grown(this.type, capacity);
    this.position = grown(this.position, capacity);
    this.side = grown(this.side, capacity);
    this.market = grown(this.market, capacity);
    this.quantity = grown(this.quantity, capacity);
    this.price = grown(this.price, capacity);
    this.notional = grown(this.notional, capacity);
    this.amount = grown(this.amount, capacity);
    this.insuranceFund = grown(this.insuranceFund, capacity);
  }

  /** Views of the recorded rows (no copy); positions are named on demand by `accountName`. */
  finish(accountName: (position: number) => string, markets: readonly string[]): EventLog {
    const length = this.length;
    return {
      length,
      step: this.step.subarray(0, length),
      round: this.round.subarray(0, length),
      type: this.type.subarray(0, length),
      account: this.position.subarray(0, length),
      side: this.side.subarray(0, length),
      market: this.market.subarray(0, length),
      quantity: this.quantity.subarray(0, length),
      price: this.price.subarray(0, length),
      notional: this.notional.subarray(0, length),
      amount: this.amount.subarray(0, length),
      insuranceFund: this.insuranceFund.subarray(0, length),
      adlStanding: this.adlStanding.subarray(0, this.adlStandingLength),
      accountName,
      markets,
    };
  }
}
